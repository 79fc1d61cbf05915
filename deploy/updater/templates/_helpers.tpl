{{- define "updater.name" -}}{{ .Release.Name }}-charthouse-updater{{- end -}}
{{- define "updater.namespace" -}}{{ default .Release.Namespace .Values.target.namespace }}{{- end -}}
{{- define "updater.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}
{{- define "updater.labels" -}}
app.kubernetes.io/name: charthouse-updater
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
