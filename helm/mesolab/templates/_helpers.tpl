{{- /*
Names are fixed (mesolab-settings, mesolab-service, mesolab-db, mesolab-oidc), like
z2jh's own (hub, proxy-public): the jupyterhub: values, which Helm does not template,
refer to them. Install one release of this chart per namespace.
*/}}

{{- define "mesolab.selectorLabels" -}}
app.kubernetes.io/name: mesolab
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mesolab.labels" -}}
{{ include "mesolab.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- /* "name:tag" of an image: the component's own if it names one, else mesolab.image. */}}
{{- define "mesolab.image" -}}
{{- $image := merge (dict) .image .root.Values.mesolab.image -}}
{{ printf "%s:%s" $image.name (toString $image.tag) }}
{{- end }}

{{- define "mesolab.dbSecretName" -}}
{{ .Values.mesolab.database.existingSecret | default "mesolab-db" }}
{{- end }}
