// The backend's staff console in a test tab: signing in on its form as a member of staff would.
import { type Tab, waitFor } from './helpers.ts';

/** Waits for the console's login form in `tab`, signs in as `login` there; returns the tab. */
export async function signInToConsole(tab: Tab, login: { name: string; password: string }): Promise<Tab> {
  await waitFor(() => tab.eval<boolean>(`!document.getElementById('login-panel').hidden`), {
    message: 'the console shows its login form',
  });
  await tab.act('fill', '#login-name', login.name);
  await tab.act('fill', '#login-password', login.password);
  await tab.act('click', '#login button[type=submit]');
  return tab;
}
