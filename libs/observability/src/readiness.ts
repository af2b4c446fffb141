/** One dependency an app needs before it can serve: checked by `/readyz`. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}

/** Injection token for the app's readiness checks (an array of ReadinessCheck). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
