/**
 * The slice of the Kubernetes API the manifests use, as plain readonly data. Hand-written so the pure translation
 * needs no SDK; `WorkflowComponent` hands these objects to `@pulumi/kubernetes`, whose input types tsc checks them
 * against, and the tests validate them against the OpenAPI schema (kubernetes-models). Arrays are mutable in the
 * types only because Pulumi's input types do not accept readonly arrays.
 */
export type StringMap = { readonly [key: string]: string }

export interface ObjectMeta {
  readonly name: string
  readonly namespace?: string
  readonly labels?: StringMap
  readonly annotations?: StringMap
}

export interface EnvVar {
  readonly name: string
  readonly value?: string
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string }
    readonly secretKeyRef?: { readonly name: string; readonly key: string }
  }
}

export interface VolumeMount {
  readonly name: string
  readonly mountPath: string
  readonly readOnly?: boolean
}

export interface ResourceRequirements {
  readonly requests?: StringMap
  readonly limits?: StringMap
}

export interface ContainerPort {
  readonly containerPort: number
  readonly name?: string
  readonly protocol: "TCP"
}

export interface SecurityContext {
  readonly runAsNonRoot: boolean
  readonly runAsUser: number
  readonly runAsGroup: number
  readonly allowPrivilegeEscalation: boolean
  readonly capabilities: { readonly drop: Array<string> }
  readonly seccompProfile: { readonly type: "RuntimeDefault" }
}

export interface Container {
  readonly name: string
  readonly image: string
  readonly command?: Array<string>
  readonly args?: Array<string>
  readonly workingDir?: string
  readonly env?: Array<EnvVar>
  readonly ports?: Array<ContainerPort>
  readonly resources?: ResourceRequirements
  readonly volumeMounts?: Array<VolumeMount>
  readonly securityContext?: SecurityContext
  /** `Always` on an init container makes it a native sidecar (Kubernetes ≥ 1.29). */
  readonly restartPolicy?: "Always"
}

export interface Volume {
  readonly name: string
  readonly emptyDir?: { readonly medium?: "Memory"; readonly sizeLimit?: string }
  readonly secret?: { readonly secretName: string; readonly defaultMode?: number }
}

export interface Toleration {
  readonly key: string
  readonly operator: "Equal"
  readonly value: string
  readonly effect: "NoSchedule"
}

export interface PodSpec {
  readonly restartPolicy: "Never" | "Always"
  readonly serviceAccountName?: string
  readonly nodeSelector?: StringMap
  readonly tolerations?: Array<Toleration>
  readonly initContainers?: Array<Container>
  readonly containers: Array<Container>
  readonly volumes?: Array<Volume>
}

export interface PodTemplate {
  readonly metadata: { readonly labels: StringMap; readonly annotations?: StringMap }
  readonly spec: PodSpec
}

export interface JobSpec {
  /** `Indexed` gives each pod `JOB_COMPLETION_INDEX`, which picks the one pod that reaps the workers. */
  readonly completionMode?: "Indexed"
  readonly completions: number
  readonly parallelism: number
  readonly backoffLimit: 0
  readonly activeDeadlineSeconds: number
  readonly template: PodTemplate
}

export interface Job {
  readonly apiVersion: "batch/v1"
  readonly kind: "Job"
  readonly metadata: ObjectMeta
  readonly spec: JobSpec
}

export interface CronJob {
  readonly apiVersion: "batch/v1"
  readonly kind: "CronJob"
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly schedule: string
    readonly timeZone?: string
    readonly concurrencyPolicy: "Allow" | "Forbid" | "Replace"
    readonly startingDeadlineSeconds?: number
    readonly suspend: boolean
    readonly jobTemplate: { readonly metadata: { readonly labels: StringMap }; readonly spec: JobSpec }
  }
}

export interface StatefulSet {
  readonly apiVersion: "apps/v1"
  readonly kind: "StatefulSet"
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly serviceName: string
    readonly replicas: number
    readonly podManagementPolicy: "Parallel"
    readonly selector: { readonly matchLabels: StringMap }
    readonly template: PodTemplate
  }
}

export interface ServicePort {
  readonly name: string
  readonly port: number
  readonly targetPort: number
  readonly protocol: "TCP"
}

export interface Service {
  readonly apiVersion: "v1"
  readonly kind: "Service"
  readonly metadata: ObjectMeta
  readonly spec: {
    readonly clusterIP: "None"
    readonly selector: StringMap
    readonly ports?: Array<ServicePort>
  }
}

export interface Secret {
  readonly apiVersion: "v1"
  readonly kind: "Secret"
  readonly metadata: ObjectMeta
  readonly type: "Opaque"
  readonly stringData: StringMap
}

export interface PolicyRule {
  readonly apiGroups: Array<string>
  readonly resources: Array<string>
  readonly resourceNames?: Array<string>
  readonly verbs: Array<string>
}

export interface Role {
  readonly apiVersion: "rbac.authorization.k8s.io/v1"
  readonly kind: "Role"
  readonly metadata: ObjectMeta
  readonly rules: Array<PolicyRule>
}

export interface RoleBinding {
  readonly apiVersion: "rbac.authorization.k8s.io/v1"
  readonly kind: "RoleBinding"
  readonly metadata: ObjectMeta
  readonly roleRef: { readonly apiGroup: "rbac.authorization.k8s.io"; readonly kind: "Role"; readonly name: string }
  readonly subjects: Array<{ readonly kind: "ServiceAccount"; readonly name: string; readonly namespace: string }>
}

export type KubernetesObject = Job | CronJob | StatefulSet | Service | Secret | Role | RoleBinding
export type Kind = KubernetesObject["kind"]
