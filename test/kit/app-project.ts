import { tempTree } from "./temp-dir.js";

/**
 * A project of one image, `app`, and one chart, `chart/app`, pinning that image by tag and digest: the smallest
 * thing a publish builds, tests, pushes and signs. `image` is the image's YAML after its name and target (smoke,
 * platforms), `template` the chart's ConfigMap data line (default: the pinned tag).
 */
export function appProject(o: { registry: string; dockerfile: string; image: string; template?: string }): string {
  const data = o.template ?? "  image: {{ .Values.image.tag | quote }}\n";
  return tempTree({
    Dockerfile: o.dockerfile,
    "charthouse.yaml":
      `registry: ${o.registry}\nimages:\n  - name: app\n    target: app\n${o.image}` +
      "charts:\n  - path: chart/app\n    repository: charts\n    pins:\n" +
      "      - image: app\n        tag: image.tag\n        digest: image.digest\n",
    "chart/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    "chart/app/values.yaml": "image:\n  tag: latest\n  digest: ''\n",
    "chart/app/templates/cm.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n${data}`,
  });
}
