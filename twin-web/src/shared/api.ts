// The REST API as the pages use it: the token from sessionStorage, problem+json errors as exceptions, cursor pages
// walked to the end (bounded), and which operations this server's contract offers.

const TOKEN_KEY = 'gridledger.token';
const BASE = '/api/v1';
/** A site model list never needs more: 200 pages of 500. */
const MAX_PAGES = 200;

export interface Session {
  token: string;
  role: 'admin' | 'operator' | 'tenant' | 'integration';
  subject: string;
  username: string;
  siteIds: string[];
  tenantId?: string;
  expiresAtMs: number;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
  /** The problem type's slug, e.g. "not-found", "critical-load". */
  get slug(): string {
    return this.type.substring(this.type.lastIndexOf('/') + 1);
  }
}

let session: Session | null = loadSession();
let onUnauthorized: () => void = () => {};

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(TOKEN_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return s.expiresAtMs > Date.now() + 5000 ? s : null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return session;
}

/** Called when the server refuses the token (expired, revoked): the page shows its login again. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function login(username: string, password: string): Promise<Session> {
  const res = await fetch(`${BASE}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw await problem(res);
  const token = (await res.json()) as { accessToken: string; expiresIn: number; role: Session['role'] };
  const me = await (await fetch(`${BASE}/auth/me`, { headers: { Authorization: `Bearer ${token.accessToken}` } })).json();
  session = {
    token: token.accessToken,
    role: token.role,
    subject: me.subject,
    username,
    siteIds: me.siteIds ?? [],
    tenantId: me.tenantId,
    expiresAtMs: Date.now() + token.expiresIn * 1000,
  };
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
  return session;
}

export function logout(): void {
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

async function problem(res: Response): Promise<ApiError> {
  let type = 'about:blank';
  let detail = res.statusText;
  try {
    const body = await res.json();
    type = body.type ?? type;
    detail = body.detail ?? body.title ?? detail;
  } catch {
    // not a problem document: keep the status text
  }
  return new ApiError(res.status, type, detail);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) };
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (res.status === 401 && session) {
    logout();
    onUnauthorized();
  }
  if (!res.ok) throw await problem(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** Every item of a cursor-paginated list, 500 per request. */
export async function listAll<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null | undefined = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = new URLSearchParams({ ...query, limit: '500' });
    if (cursor) params.set('cursor', cursor);
    const res: Page<T> = await api<Page<T>>(`${path}?${params}`);
    out.push(...res.items);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/**
 * The operationIds of the contract this server serves. Panels whose API has not landed on this server (billing, the
 * ledger, tariffs) ask here and show "not available" instead of failing.
 */
export class Capabilities {
  private constructor(private readonly operations: Set<string>) {}

  static async load(): Promise<Capabilities> {
    try {
      const res = await fetch('/openapi.yaml');
      const text = await res.text();
      const ops = new Set<string>();
      for (const m of text.matchAll(/^\s*operationId:\s*([A-Za-z0-9_]+)\s*$/gm)) ops.add(m[1]);
      return new Capabilities(ops);
    } catch {
      return new Capabilities(new Set());
    }
  }

  has(...operationIds: string[]): boolean {
    return operationIds.every((op) => this.operations.has(op));
  }
}

/** What the backend tells the pages about itself (demo mode shows the demo logins). */
export interface WebConfig {
  demo: boolean;
  demoLogins: { username: string; password: string; note: string }[];
}

export async function webConfig(): Promise<WebConfig> {
  try {
    const res = await fetch('/web/config.json');
    if (res.ok) return (await res.json()) as WebConfig;
  } catch {
    // served without the backend (vite dev without proxy): no demo hints
  }
  return { demo: false, demoLogins: [] };
}
