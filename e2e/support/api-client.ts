/** A response as the tests look at it. */
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

/** A minimal REST client for the API, as a user's script would use it. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  /** Logs in and returns a client carrying the token. */
  async login(email: string, password: string): Promise<ApiClient> {
    const response = await this.request<{ accessToken: string }>('POST', '/v1/auth/token', {
      email,
      password,
    });
    if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
    return this.withToken(response.body.accessToken);
  }

  get<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body);
  }

  put<T = Record<string, unknown>>(path: string, body: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, body);
  }

  delete<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path);
  }

  /** Sends `rawBody` as is (for malformed JSON and similar). */
  async request<T>(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      // JSON bodies parsed; anything else (a YAML bootstrap) as its text.
      body: (/json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text || {}) as T,
    };
  }
}
