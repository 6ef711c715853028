{{/* Release-wide name: "<release>" when it already says "todo", else "<release>-todo". */}}
{{- define "todo.fullname" -}}
{{- if contains "todo" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-todo" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects, e.g. todo-backend. */}}
{{- define "todo.componentName" -}}
{{- printf "%s-%s" (include "todo.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "todo.labels" -}}
{{ include "todo.selectorLabels" . }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: todo-platform
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
todo-platform/environment: {{ .root.Values.environment | quote }}
{{- end -}}

{{/* Labels of release-wide objects (Dapr resources, monitoring). */}}
{{- define "todo.commonLabels" -}}
{{ include "todo.labels" (dict "root" . "component" "platform") }}
{{- end -}}

{{- define "todo.image" -}}
{{- $repo := .image.repository -}}
{{- if .root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $repo -}}
{{- end -}}
{{- printf "%s:%s" $repo (.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "todo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- include "todo.fullname" . -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/* env entry read from a Secret by reference; args: name, ref (existingSecret, key, optional). */}}
{{- define "todo.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secrets: %s needs existingSecret" .name) .ref.existingSecret }}
      key: {{ required (printf "secrets: %s needs key" .name) .ref.key }}
      {{- if .ref.optional }}
      optional: true
      {{- end }}
{{- end -}}

{{- /* "true" when the services read their credentials through the Dapr secret store, else "". */ -}}
{{- define "todo.viaSecretStore" -}}
{{- if and .Values.dapr.enabled .Values.secrets.viaSecretStore }}true{{ end -}}
{{- end -}}

{{- define "todo.podSecurityContext" -}}
{{ toYaml .Values.podSecurityContext }}
{{- end -}}

{{- define "todo.containerSecurityContext" -}}
{{ toYaml .Values.containerSecurityContext }}
{{- end -}}

{{/* Writable scratch space: the root filesystem is read-only. */}}
{{- define "todo.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{- define "todo.probes" -}}
{{- $p := .root.Values.probes -}}
startupProbe:
  httpGet:
    path: {{ $p.startup.path }}
    port: http
  periodSeconds: {{ $p.startup.periodSeconds }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: {{ $p.liveness.path }}
    port: http
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: {{ .readinessPath | default $p.readiness.path }}
    port: http
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{/*
Deployment of one Dapr-enabled service.
Args: root, component (Dapr app id and object suffix), values (the service's block), env (list).
*/}}
{{- define "todo.daprDeployment" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $d := $root.Values.dapr -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "todo.componentName" . }}
  labels:
    {{- include "todo.labels" . | nindent 4 }}
spec:
  {{- if not (and $v.autoscaling $v.autoscaling.enabled) }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "todo.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "todo.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- if $d.enabled }}
        dapr.io/enabled: "true"
        dapr.io/app-id: {{ .component | quote }}
        dapr.io/app-port: {{ $v.port | quote }}
        dapr.io/app-protocol: {{ $d.appProtocol | quote }}
        dapr.io/enable-api-logging: {{ $d.enableApiLogging | quote }}
        dapr.io/enable-metrics: "true"
        dapr.io/metrics-port: {{ $d.metricsPort | quote }}
        dapr.io/config: {{ $d.configuration.name | quote }}
        dapr.io/log-level: {{ $d.logLevel | quote }}
        dapr.io/log-as-json: {{ $d.logAsJson | quote }}
        dapr.io/sidecar-cpu-request: {{ $d.sidecar.cpuRequest | quote }}
        dapr.io/sidecar-memory-request: {{ $d.sidecar.memoryRequest | quote }}
        dapr.io/sidecar-cpu-limit: {{ $d.sidecar.cpuLimit | quote }}
        dapr.io/sidecar-memory-limit: {{ $d.sidecar.memoryLimit | quote }}
        dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
        # Dapr stops delivering events to an app whose /healthz fails, and resumes after.
        dapr.io/enable-app-health-check: "true"
        dapr.io/app-health-check-path: {{ $root.Values.probes.liveness.path | quote }}
        {{- with .daprAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "todo.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "todo.podSecurityContext" $root | nindent 8 }}
      # Long enough for in-flight requests and event handlers to finish (close-with-grace).
      terminationGracePeriodSeconds: 30
      containers:
        - name: {{ .component }}
          image: {{ include "todo.image" (dict "root" $root "image" $v.image) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "todo.fullname" $root }}-settings
          env:
            - name: PORT
              value: {{ $v.port | quote }}
            {{- if include "todo.viaSecretStore" $root }}
            # Credentials come from the Dapr secret store at start-up, not from the environment.
            - name: SECRET_STORE_NAME
              value: {{ $d.secretStore | quote }}
            - name: SECRETS_NAME
              value: {{ $root.Values.secrets.secretStoreSecret | quote }}
            {{- else }}
            {{- include "todo.secretEnv" (dict "name" "DATABASE_URL" "ref" $root.Values.secrets.databaseUrl) | nindent 12 }}
            {{- end }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- range $name, $value := $v.extraEnv }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          {{- include "todo.probes" (dict "root" $root) | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "todo.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        {{- include "todo.tmpVolume" . | nindent 8 }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "todo.selectorLabels" . | nindent 14 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{- define "todo.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "todo.componentName" . }}
  labels:
    {{- include "todo.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "todo.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .values.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "todo.hpa" -}}
{{- $a := .values.autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "todo.componentName" . }}
  labels:
    {{- include "todo.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "todo.componentName" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- if $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $a.targetMemoryUtilizationPercentage }}
    {{- end }}
  behavior:
    # Scale in slowly: SSE clients and Kafka partitions move on every scale-in.
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end -}}

{{- define "todo.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "todo.componentName" . }}
  labels:
    {{- include "todo.labels" . | nindent 4 }}
spec:
  {{- if .values.podDisruptionBudget.maxUnavailable }}
  maxUnavailable: {{ .values.podDisruptionBudget.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .values.podDisruptionBudget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "todo.selectorLabels" . | nindent 6 }}
{{- end -}}
