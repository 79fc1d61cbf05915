/**
 * The pod lifecycle the test control plane's kwok nodes play out, as kwok Stage objects
 * (written here, not taken from kwok's own). No container runs under kwok: a pod is only
 * *said* to be running. Nodes keep kwok's built-in stages.
 *
 * - pod-runs: a scheduled pod becomes Running and Ready at once.
 * - pod-crashes: a pod labelled charthouse.test/kwok=crash never becomes Ready: its
 *   container is said to be in CrashLoopBackOff, the way a broken release's pods look
 *   (helm --wait then times out, and --atomic rolls back).
 * - pod-gone: a deleted pod disappears (no kubelet is there to confirm it).
 */
/** kwok's own template for a pod's IP (one per node, as kwok's built-in stages give it). */
const POD_IP =
  '{{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ' +
  '( or .metadata.namespace "" ) | Quote }}';
const CRASH_MESSAGE = '"the kwok stage pod-crashes says this container keeps exiting 1"';

export const KWOK_STAGES = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-runs
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
      - { key: '.metadata.labels["charthouse.test/kwok"]', operator: NotIn, values: [crash] }
      - { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
      - { key: '.status.podIP', operator: DoesNotExist }
  next:
    statusTemplate: |
      {{ $at := Now | Quote }}
      phase: Running
      startTime: {{ $at }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: ${POD_IP}
      conditions:
        - { type: PodScheduled, status: "True", lastTransitionTime: {{ $at }} }
        - { type: Initialized, status: "True", lastTransitionTime: {{ $at }} }
        - { type: ContainersReady, status: "True", lastTransitionTime: {{ $at }} }
        - { type: Ready, status: "True", lastTransitionTime: {{ $at }} }
      containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: true
          started: true
          restartCount: 0
          state: { running: { startedAt: {{ $at }} } }
        {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-crashes
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
      - { key: '.metadata.labels["charthouse.test/kwok"]', operator: In, values: [crash] }
      - { key: '.metadata.deletionTimestamp', operator: DoesNotExist }
      - { key: '.status.podIP', operator: DoesNotExist }
  next:
    statusTemplate: |
      {{ $at := Now | Quote }}
      phase: Running
      startTime: {{ $at }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: ${POD_IP}
      conditions:
        - { type: PodScheduled, status: "True", lastTransitionTime: {{ $at }} }
        - { type: Initialized, status: "True", lastTransitionTime: {{ $at }} }
        - { type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $at }} }
        - { type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $at }} }
      containerStatuses:
        {{ range .spec.containers }}
        - name: {{ .name | Quote }}
          image: {{ .image | Quote }}
          ready: false
          started: false
          restartCount: 3
          state: { waiting: { reason: CrashLoopBackOff, message: ${CRASH_MESSAGE} } }
          lastState: { terminated: { exitCode: 1, reason: Error, startedAt: {{ $at }}, finishedAt: {{ $at }} } }
        {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-gone
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
      - { key: '.metadata.deletionTimestamp', operator: Exists }
  next:
    finalizers: { empty: true }
    delete: true
`;
