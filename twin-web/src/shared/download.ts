// Downloads that need the bearer token (invoice PDFs, CSV exports): a plain link would not carry it, so the file is
// fetched with the token and handed to the browser as an object URL.
import { ApiError, currentSession } from './api';

export async function downloadWithToken(path: string, filename: string, accept: string): Promise<void> {
  const session = currentSession();
  const res = await fetch(`/api/v1${path}`, {
    headers: { Accept: accept, ...(session ? { Authorization: `Bearer ${session.token}` } : {}) },
  });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch {
      // not a problem document
    }
    throw new ApiError(res.status, 'about:blank', detail);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
