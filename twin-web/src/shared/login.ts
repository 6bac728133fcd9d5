// The login screen both pages share. In demo mode it lists the demo logins, so a visitor can start at once.
import { ApiError, login, webConfig, type Session } from './api';
import { el } from './dom';

export async function showLogin(root: HTMLElement, title: string, roles: Session['role'][]): Promise<Session> {
  const config = await webConfig();
  return new Promise((resolve) => {
    const user = el('input', { name: 'username', autocomplete: 'username', required: '', placeholder: 'username' });
    const pass = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: '', placeholder: 'password' });
    const error = el('p', { class: 'error', role: 'alert' });
    const button = el('button', { type: 'submit' }, 'Sign in');
    const form = el('form', { class: 'login-card' }, el('h1', {}, title), user, pass, button, error);
    if (config.demo) {
      const list = el('ul', { class: 'demo-logins' });
      for (const d of config.demoLogins) {
        const item = el('button', { type: 'button', class: 'link' }, `${d.username} / ${d.password}`);
        item.addEventListener('click', () => {
          user.value = d.username;
          pass.value = d.password;
        });
        list.append(el('li', {}, item, ` ${d.note}`));
      }
      form.append(el('div', { class: 'demo' }, el('strong', {}, 'Demo logins'), list));
    }
    const overlay = el('div', { class: 'login' }, form);
    root.append(overlay);
    user.focus();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      button.disabled = true;
      try {
        const s = await login(user.value.trim(), pass.value);
        if (!roles.includes(s.role)) {
          error.textContent = s.role === 'tenant'
            ? 'Tenant logins use the tenant portal at /portal.'
            : 'This login has no access here; the twin is at /.';
          button.disabled = false;
          return;
        }
        overlay.remove();
        resolve(s);
      } catch (err) {
        error.textContent = err instanceof ApiError && err.status === 401 ? 'Wrong username or password.'
          : err instanceof ApiError && err.status === 429 ? 'Too many attempts; wait a moment.'
          : 'Sign-in failed; is the server running?';
        button.disabled = false;
      }
    });
  });
}
