{{/* Names ------------------------------------------------------------------------------- */}}

{{- define "skyulf.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "skyulf.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one component's objects. Usage: include "skyulf.componentName" (list $ "gateway") */}}
{{- define "skyulf.componentName" -}}
{{- $root := index . 0 }}
{{- printf "%s-%s" (include "skyulf.fullname" $root | trunc 45 | trimSuffix "-") (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of a component's headless Service. Usage: include "skyulf.headlessName" (list $ "registry") */}}
{{- define "skyulf.headlessName" -}}
{{- printf "%s-headless" (include "skyulf.componentName" . | trunc 54 | trimSuffix "-") }}
{{- end }}

{{- define "skyulf.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels. Usage: include "skyulf.labels" (list $ "gateway") */}}
{{- define "skyulf.labels" -}}
{{- $root := index . 0 -}}
helm.sh/chart: {{ include "skyulf.chart" $root }}
{{ include "skyulf.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: skyulf
{{- end }}

{{- define "skyulf.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "skyulf.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "skyulf.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "skyulf.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Skyulf image, by digest when one is given. */}}
{{- define "skyulf.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The gateway's image: gateway.image when its repository is set (the slim `gateway` build
target), the Skyulf image otherwise. */}}
{{- define "skyulf.gatewayImage" -}}
{{- with .Values.gateway.image }}
{{- if and .repository .digest }}
{{- printf "%s@%s" .repository .digest }}
{{- else if .repository }}
{{- printf "%s:%s" .repository (default (default $.Chart.AppVersion $.Values.image.tag) .tag) }}
{{- else }}
{{- include "skyulf.image" $ }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secrets ----------------------------------------------------------------------------- */}}

{{- define "skyulf.secretName" -}}
{{- default (include "skyulf.componentName" (list . "secrets")) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Publicly known development values, used for empty secrets only under
global.allowInsecureDefaults. The signing key is also refused by value without that flag.
*/}}
{{- define "skyulf.insecureDefaults" -}}
database-password: skyulf-insecure-database-password
s3-access-key: skyulf-insecure-access-key
s3-secret-key: skyulf-insecure-secret-key
minio-root-user: skyulf-insecure-minio-root
minio-root-password: skyulf-insecure-minio-root-password
redis-password: skyulf-insecure-redis-password
bundle-signing-key: skyulf-insecure-bundle-signing-key-do-not-use
{{- end }}

{{/* Whether the Celery broker URL carries a password. */}}
{{- define "skyulf.redisAuth" -}}
{{- if or .Values.redis.enabled .Values.externalRedis.auth }}true{{ end }}
{{- end }}

{{/* Whether the S3 keys are given (the in-chart MinIO always needs them). */}}
{{- define "skyulf.s3Keys" -}}
{{- if or .Values.minio.enabled .Values.secrets.existingSecret .Values.externalS3.accessKey }}true{{ end }}
{{- end }}

{{/*
The secret values the chart puts into its own Secret, as YAML: key -> value, each either given
in values or (under allowInsecureDefaults) the development default. Fails, naming the value to
set, when a required one is missing.
*/}}
{{- define "skyulf.secretData" -}}
{{- $v := .Values }}
{{- $insecure := $v.global.allowInsecureDefaults }}
{{- $defaults := include "skyulf.insecureDefaults" . | fromYaml }}
{{- $wanted := dict }}
{{- if $v.postgresql.enabled }}
{{- $_ := set $wanted "database-password" (list $v.postgresql.auth.password "postgresql.auth.password") }}
{{- else }}
{{- $_ := set $wanted "database-password" (list $v.externalDatabase.password "externalDatabase.password") }}
{{- end }}
{{- if $v.minio.enabled }}
{{- $_ := set $wanted "minio-root-user" (list $v.minio.auth.rootUser "minio.auth.rootUser") }}
{{- $_ := set $wanted "minio-root-password" (list $v.minio.auth.rootPassword "minio.auth.rootPassword") }}
{{- $_ := set $wanted "s3-access-key" (list $v.minio.auth.accessKey "minio.auth.accessKey") }}
{{- $_ := set $wanted "s3-secret-key" (list $v.minio.auth.secretKey "minio.auth.secretKey") }}
{{- else if or $v.externalS3.accessKey $v.externalS3.secretKey }}
{{- $_ := set $wanted "s3-access-key" (list $v.externalS3.accessKey "externalS3.accessKey") }}
{{- $_ := set $wanted "s3-secret-key" (list $v.externalS3.secretKey "externalS3.secretKey") }}
{{- end }}
{{- if $v.redis.enabled }}
{{- $_ := set $wanted "redis-password" (list $v.redis.auth.password "redis.auth.password") }}
{{- else if $v.externalRedis.auth }}
{{- $_ := set $wanted "redis-password" (list $v.externalRedis.password "externalRedis.password") }}
{{- end }}
{{- $_ := set $wanted "bundle-signing-key" (list $v.secrets.bundleSigningKey "secrets.bundleSigningKey") }}
{{- range $key, $entry := $wanted -}}
{{- $value := index $entry 0 }}
{{- $path := index $entry 1 }}
{{- if and (not $value) (not $insecure) }}
{{- fail (printf "%s is required: set it, or name your own Secret in secrets.existingSecret, or set global.allowInsecureDefaults=true for a throwaway install" $path) }}
{{- end }}
{{- if and (eq (toString $value) (index $defaults $key)) (not $insecure) }}
{{- fail (printf "%s is the chart's publicly known development value; choose your own (or set global.allowInsecureDefaults=true)" $path) }}
{{- end }}
{{ $key }}: {{ default (index $defaults $key) $value | toString | quote }}
{{- end }}
{{- with $v.secrets.alertWebhookUrl }}
alert-webhook-url: {{ . | toString | quote }}
{{- end }}
{{- end }}

{{/* Dependency addresses ----------------------------------------------------------------- */}}

{{- define "skyulf.databaseHost" -}}
{{- if .Values.postgresql.enabled }}{{ include "skyulf.componentName" (list . "postgresql") }}{{ else }}{{ required "externalDatabase.host is required when postgresql.enabled is false" .Values.externalDatabase.host }}{{ end }}
{{- end }}

{{/* postgresql+psycopg URL; the password is the pod's PGPASSWORD, expanded by Kubernetes. */}}
{{- define "skyulf.databaseUrl" -}}
{{- if .Values.postgresql.enabled }}
{{- $a := .Values.postgresql.auth }}
{{- printf "postgresql+psycopg://%s:$(PGPASSWORD)@%s:5432/%s" $a.username (include "skyulf.databaseHost" .) $a.database }}
{{- else }}
{{- $e := .Values.externalDatabase }}
{{- printf "postgresql+psycopg://%s:$(PGPASSWORD)@%s:%v/%s" $e.username (include "skyulf.databaseHost" .) (int $e.port) $e.database }}
{{- if $e.sslmode }}?sslmode={{ $e.sslmode }}{{ end }}
{{- end }}
{{- end }}

{{/* host:port of the Redis broker. */}}
{{- define "skyulf.brokerAddress" -}}
{{- if .Values.redis.enabled }}
{{- printf "%s:6379" (include "skyulf.componentName" (list . "redis")) }}
{{- else }}
{{- printf "%s:%v" (required "externalRedis.host is required when redis.enabled is false" .Values.externalRedis.host) (int .Values.externalRedis.port) }}
{{- end }}
{{- end }}

{{/* host:port of the broker as seen from another namespace. */}}
{{- define "skyulf.brokerAddressFromAnywhere" -}}
{{- if .Values.redis.enabled }}
{{- printf "%s.%s.svc:6379" (include "skyulf.componentName" (list . "redis")) .Release.Namespace }}
{{- else }}
{{- include "skyulf.brokerAddress" . }}
{{- end }}
{{- end }}

{{- define "skyulf.brokerDatabase" -}}
{{- if .Values.redis.enabled }}0{{ else }}{{ int .Values.externalRedis.db }}{{ end }}
{{- end }}

{{- define "skyulf.brokerTls" -}}
{{- if and (not .Values.redis.enabled) .Values.externalRedis.tls }}true{{ else }}false{{ end }}
{{- end }}

{{- define "skyulf.brokerUrl" -}}
{{- $auth := ternary ":$(REDIS_PASSWORD)@" "" (eq (include "skyulf.redisAuth" .) "true") }}
{{- $scheme := ternary "rediss" "redis" (eq (include "skyulf.brokerTls" .) "true") }}
{{- printf "%s://%s%s/%s" $scheme $auth (include "skyulf.brokerAddress" .) (include "skyulf.brokerDatabase" .) }}
{{- end }}

{{- define "skyulf.s3EndpointUrl" -}}
{{- if .Values.minio.enabled }}
{{- printf "http://%s:9000" (include "skyulf.componentName" (list . "minio")) }}
{{- else }}
{{- .Values.externalS3.endpointUrl }}
{{- end }}
{{- end }}

{{- define "skyulf.artifactUrl" -}}
{{- $a := .Values.artifacts }}
{{- if $a.prefix }}
{{- printf "s3://%s/%s" $a.bucket (trimAll "/" $a.prefix) }}
{{- else }}
{{- printf "s3://%s" $a.bucket }}
{{- end }}
{{- end }}

{{/* Pods -------------------------------------------------------------------------------- */}}

{{/* Environment shared by every Skyulf container. */}}
{{- define "skyulf.env" -}}
{{- $secret := include "skyulf.secretName" . }}
{{- $optionalS3 := not .Values.minio.enabled -}}
- name: SKYULF_ENV
  value: production
- name: SKYULF_HOST
  value: {{ .Values.config.bindHost | quote }}
- name: SKYULF_DATA_DIR
  value: /tmp/skyulf
- name: SKYULF_LOG_FORMAT
  value: {{ .Values.config.logFormat | quote }}
- name: SKYULF_LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
{{- with .Values.config.maxUploadBytes }}
- name: SKYULF_MAX_UPLOAD_BYTES
  value: {{ . | int64 | toString | quote }}
{{- end }}
{{- with .Values.config.maxBodyBytes }}
- name: SKYULF_MAX_BODY_BYTES
  value: {{ . | int64 | toString | quote }}
{{- end }}
{{- if include "skyulf.hasCaBundle" . }}
- name: SKYULF_CA_BUNDLE
  value: /etc/skyulf/ca/ca.crt
- name: PGSSLROOTCERT
  value: /etc/skyulf/ca/ca.crt
- name: AWS_CA_BUNDLE
  value: /etc/skyulf/ca/ca.crt
{{- end }}
{{- if .Values.metrics.enabled }}
- name: SKYULF_METRICS_PORT
  value: {{ .Values.metrics.port | quote }}
{{- end }}
- name: PYTHONUNBUFFERED
  value: "1"
- name: PYTHONDONTWRITEBYTECODE
  value: "1"
- name: HOME
  value: /tmp
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: database-password
- name: SKYULF_DATABASE_URL
  value: {{ include "skyulf.databaseUrl" . | quote }}
{{- if include "skyulf.redisAuth" . }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: redis-password
{{- end }}
- name: SKYULF_BROKER_URL
  value: {{ include "skyulf.brokerUrl" . | quote }}
- name: SKYULF_BROKER_VISIBILITY_TIMEOUT
  value: {{ .Values.broker.visibilityTimeoutSeconds | quote }}
- name: SKYULF_ARTIFACT_URL
  value: {{ include "skyulf.artifactUrl" . | quote }}
{{- with include "skyulf.s3EndpointUrl" . }}
- name: SKYULF_S3_ENDPOINT_URL
  value: {{ . | quote }}
{{- end }}
- name: SKYULF_S3_REGION
  value: {{ .Values.artifacts.region | quote }}
{{- if include "skyulf.s3Keys" . }}
- name: SKYULF_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: s3-access-key
      {{- if $optionalS3 }}
      optional: true
      {{- end }}
- name: SKYULF_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: s3-secret-key
      {{- if $optionalS3 }}
      optional: true
      {{- end }}
{{- end }}
- name: SKYULF_BUNDLE_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: bundle-signing-key
- name: SKYULF_ALERT_WEBHOOK_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: alert-webhook-url
      optional: true
{{- /* dns:/// targets on headless Services: clients resolve every pod and balance round-robin. */}}
{{- range $name, $svc := .Values.services }}
- name: SKYULF_{{ upper $name }}_ADDR
  value: {{ printf "dns:///%s:%v" (include "skyulf.headlessName" (list $ $name)) (int $svc.port) | quote }}
{{- end }}
- name: SKYULF_PREDICTOR_ADDR
  value: {{ printf "dns:///%s:%v" (include "skyulf.headlessName" (list . "predictor")) (int .Values.predictor.grpcPort) | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod metadata annotations: user annotations plus a checksum that rolls pods on a new Secret. */}}
{{- define "skyulf.podAnnotations" -}}
{{- if not .Values.secrets.existingSecret -}}
checksum/secret: {{ include "skyulf.secretData" . | sha256sum }}
{{- end }}
{{- if and .Values.metrics.enabled (not .Values.metrics.podMonitor.enabled) }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.metrics.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The metrics container port (a ports list item), when metrics are on. */}}
{{- define "skyulf.metricsPort" -}}
{{- if .Values.metrics.enabled }}
- name: metrics
  containerPort: {{ .Values.metrics.port }}
  protocol: TCP
{{- end }}
{{- end }}

{{/*
Pod-level fields shared by every Skyulf pod. Usage: include "skyulf.podCommon" (list $ $component)
where $component's own nodeSelector, tolerations and affinity, when set, replace the global ones.
*/}}
{{- define "skyulf.podCommon" -}}
{{- $root := index . 0 }}
{{- $own := index . 1 | default dict }}
{{- with $root }}
serviceAccountName: {{ include "skyulf.serviceAccountName" . }}
automountServiceAccountToken: false
{{- /* Service links would inject SKYULF_*_PORT variables that collide with the settings prefix. */}}
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $own.nodeSelector | default .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $own.tolerations | default .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $own.affinity | default .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
  {{- include "skyulf.extraVolumes" . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The CA bundle volume and the user's extra volumes (a list, possibly empty). */}}
{{- define "skyulf.extraVolumes" -}}
{{- with .Values.caBundle }}
{{- if .configMap }}
- name: ca-bundle
  configMap:
    name: {{ .configMap }}
    items: [{key: {{ .key | quote }}, path: ca.crt}]
{{- else if .secret }}
- name: ca-bundle
  secret:
    secretName: {{ .secret }}
    items: [{key: {{ .key | quote }}, path: ca.crt}]
{{- end }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "skyulf.hasCaBundle" -}}
{{- if or .Values.caBundle.configMap .Values.caBundle.secret }}true{{ end }}
{{- end }}

{{/* Container fields shared by every Skyulf container (image, security, /tmp). */}}
{{- define "skyulf.containerCommon" -}}
image: {{ include "skyulf.image" . | quote }}
{{ include "skyulf.containerRest" . }}
{{- end }}

{{/* containerCommon without the image (the gateway names its own). */}}
{{- define "skyulf.containerRest" -}}
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- if include "skyulf.hasCaBundle" . }}
  - name: ca-bundle
    mountPath: /etc/skyulf/ca
    readOnly: true
  {{- end }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* Security context for the in-chart dependencies, which run as their image's own user. */}}
{{- define "skyulf.dependencySecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}


{{/*
Init containers that bring the schemas a pod uses to head before it starts: wait for the
database, then `python -m skyulf_<svc> migrate` for each service named. Concurrent runs are
safe (each upgrade holds a PostgreSQL advisory lock), so every replica runs them; a pod's main
container, and with it its readiness, only starts once its schema is there, on a first install
(in-chart or external database) and on every upgrade alike.
Usage: include "skyulf.migrationInit" (list $ (list "ingestion"))
*/}}
{{- define "skyulf.migrationInit" -}}
{{- $root := index . 0 }}
{{- $services := index . 1 }}
{{- if and $root.Values.migrations.enabled $services }}
{{- $dbPort := ternary 5432 (int $root.Values.externalDatabase.port) $root.Values.postgresql.enabled }}
- name: wait-for-database
  {{- include "skyulf.containerCommon" $root | nindent 2 }}
  command:
    - python
    - -c
    - |
      import socket, sys, time
      host, port = sys.argv[1], int(sys.argv[2])
      while True:
          try:
              socket.create_connection((host, port), timeout=3).close()
              break
          except OSError as exc:
              print(f"waiting for {host}:{port}: {exc}", flush=True)
              time.sleep(3)
    - {{ include "skyulf.databaseHost" $root | quote }}
    - {{ $dbPort | quote }}
  resources:
    requests: {cpu: 10m, memory: 32Mi}
    limits: {memory: 64Mi}
{{- range $svc := $services }}
- name: migrate-{{ $svc }}
  {{- include "skyulf.containerCommon" $root | nindent 2 }}
  command: ["python", "-m", "skyulf_{{ $svc }}", "migrate"]
  env:
    {{- include "skyulf.env" $root | nindent 4 }}
  {{- with $root.Values.migrations.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The services whose tables a queue's tasks use (their schemas are migrated first). */}}
{{- define "skyulf.queueSchemas" -}}
ingest: [ingestion]
train: [pipeline, deployment]
tune: [pipeline]
{{- end }}

{{/* A dependency's image: repository:tag, plus @digest when one is given (then the digest wins). */}}
{{- define "skyulf.dependencyImage" -}}
{{- if .digest }}
{{- printf "%s:%s@%s" .repository .tag .digest }}
{{- else }}
{{- printf "%s:%s" .repository .tag }}
{{- end }}
{{- end }}

{{/* imagePullSecrets for any pod, the dependencies' included. */}}
{{- define "skyulf.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Who may reach what: destination component -> the components that call it (from), peers given in
values (extraFrom), whether any source may (anyone), and its ports. Only the in-chart
dependencies that are enabled appear.
*/}}
{{- define "skyulf.networkMatrix" -}}
{{- $np := .Values.networkPolicy }}
{{- $workers := list }}
{{- range $queue, $w := .Values.workers.queues }}{{ if $w.enabled }}{{ $workers = append $workers (printf "worker-%s" $queue) }}{{ end }}{{ end }}
{{- $s := .Values.services }}
{{- range $workers }}
{{ . }}:
  metrics: true
  ports: []
{{- end }}
gateway:
  metrics: true
  # Prediction servers check API keys with the gateway.
  from: ["predictor"]
  {{- if $np.gatewayFrom }}
  extraFrom: {{ toYaml $np.gatewayFrom | nindent 4 }}
  {{- else }}
  anyone: true
  {{- end }}
  ports: [{{ .Values.gateway.port }}]
ingestion:
  metrics: true
  from: {{ concat (list "gateway" "pipeline" "advisor" "deployment") $workers | toJson }}
  ports: [{{ $s.ingestion.port }}]
pipeline:
  metrics: true
  from: ["gateway"]
  ports: [{{ $s.pipeline.port }}]
registry:
  metrics: true
  from: {{ concat (list "gateway" "deployment" "predictor") $workers | toJson }}
  ports: [{{ $s.registry.port }}]
deployment:
  metrics: true
  from: ["gateway", "predictor"]
  ports: [{{ $s.deployment.port }}]
advisor:
  metrics: true
  from: ["gateway"]
  ports: [{{ $s.advisor.port }}]
predictor:
  metrics: true
  from: ["gateway", "deployment"]
  {{- with $np.predictorFrom }}
  extraFrom: {{ toYaml . | nindent 4 }}
  {{- end }}
  ports: [{{ .Values.predictor.httpPort }}, {{ .Values.predictor.grpcPort }}]
{{- if .Values.postgresql.enabled }}
postgresql:
  from: {{ concat (list "ingestion" "pipeline" "registry" "deployment") $workers | toJson }}
  ports: [5432]
{{- end }}
{{- if .Values.redis.enabled }}
redis:
  from: {{ concat (list "ingestion" "pipeline" "deployment") $workers | toJson }}
  {{- $redisFrom := $np.redisFrom }}
  {{- if and .Values.keda.enabled $np.kedaNamespace }}
  {{- $redisFrom = append $redisFrom (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.kedaNamespace))) }}
  {{- end }}
  {{- with $redisFrom }}
  extraFrom: {{ toYaml . | nindent 4 }}
  {{- end }}
  ports: [6379]
{{- end }}
{{- if .Values.minio.enabled }}
minio:
  from: {{ concat (list "ingestion" "pipeline" "predictor") $workers | toJson }}
  ports: [9000]
{{- end }}
{{- end }}
