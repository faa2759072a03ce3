'use client';
// Sign-in for the e-invoice desks. The API keeps the session in an HttpOnly, SameSite=Strict
// cookie (path /api) that the browser sends with every same-origin /api request: this page
// never sees the token. The box asks who you are, says who is signed in, and shows the desk
// only to an account with one of the desk's roles; the desk acts as that account's organisation.
import { type FormEvent, Fragment, type ReactNode, useCallback, useEffect, useState } from 'react';
import {
  type Account,
  type Organisation,
  SESSION_ENDED_EVENT,
  currentAccount,
  errorText,
  organisationName,
  organisations,
  signIn,
  signInErrorText,
  signOut,
} from '../../_lib/invoice-api';

/** What a desk gets once an account with one of its roles is signed in. */
export interface SignedIn {
  readonly account: Account;
  /** The consortium's organisations (GET /organisations); [] when they could not be loaded. */
  readonly organisations: readonly Organisation[];
  readonly organisationsError: string | null;
  /** An organisation's name (its id while the names are unknown). */
  readonly orgName: (id: string | null | undefined) => string;
}

/** "merchant", "buyer or enterprise". */
function roleList(roles: readonly string[]): string {
  return roles.length <= 1
    ? (roles[0] ?? '')
    : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]!}`;
}

type State =
  | { readonly phase: 'checking' }
  | { readonly phase: 'unavailable'; readonly error: string }
  | { readonly phase: 'ready'; readonly account: Account | null };

/** Who is signed in, as the box's state. */
async function stateNow(): Promise<State> {
  try {
    return { phase: 'ready', account: await currentAccount() };
  } catch (e) {
    return { phase: 'unavailable', error: errorText(e) };
  }
}

export function SignInGate({
  desk,
  roles,
  children,
}: {
  /** The desk's name in messages: "merchant desk". */
  desk: string;
  /** The desk is for an account with any of these roles. */
  roles: readonly string[];
  children: (signedIn: SignedIn) => ReactNode;
}) {
  const [state, setState] = useState<State>({ phase: 'checking' });
  const [orgs, setOrgs] = useState<readonly Organisation[]>([]);
  const [orgsError, setOrgsError] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const [busy, setBusy] = useState(false);

  const check = useCallback(async () => {
    const next = await stateNow();
    setState(next);
    return next.phase === 'ready' ? next.account : null;
  }, []);

  useEffect(() => {
    // Who is signed in and the organisations' names, together: the desk renders with both.
    let live = true;
    void Promise.all([
      stateNow(),
      organisations().then(
        (list) => ({ list, error: null }),
        (e: unknown) => ({ list: [], error: errorText(e) }),
      ),
    ]).then(([next, names]) => {
      if (!live) return;
      setOrgs(names.list);
      setOrgsError(names.error);
      setState(next);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    // A desk's request answered 401 sign-in-required: the session ended (expired, signed out
    // in another tab). Ask the API who is signed in now.
    const onEnded = () => {
      void check().then((account) => {
        if (account === null) setEnded(true);
      });
    };
    window.addEventListener(SESSION_ENDED_EVENT, onEnded);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, onEnded);
  }, [check]);

  const orgName = useCallback(
    (id: string | null | undefined) => organisationName(id, orgs),
    [orgs],
  );

  async function onSignIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      // Signing in as someone else: end the current session first, not leave it live.
      if (state.phase === 'ready' && state.account !== null) await signOut();
      const account = await signIn(username, password);
      setEnded(false);
      setState({ phase: 'ready', account });
    } catch (e) {
      setError(signInErrorText(e));
      if (state.phase === 'ready' && state.account !== null) void check();
    } finally {
      setPassword('');
      setBusy(false);
    }
  }

  async function onSignOut() {
    setError(null);
    setBusy(true);
    try {
      await signOut();
      setEnded(false);
      setState({ phase: 'ready', account: null });
    } catch (e) {
      setError(`Sign-out did not work: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  const account = state.phase === 'ready' ? state.account : null;
  const allowed = account !== null && roles.some((r) => account.roles.includes(r));

  return (
    <>
      <section className="card signin" aria-labelledby="signin-heading" data-testid="signin">
        <h2 id="signin-heading">Sign-in</h2>
        {state.phase === 'checking' && (
          <p className="muted" data-testid="signin-checking">
            Checking who is signed in…
          </p>
        )}
        {state.phase === 'unavailable' && (
          <p className="verdict verdict-error" role="alert" data-testid="signin-unavailable">
            Who is signed in could not be checked: {state.error}{' '}
            <button type="button" className="secondary" onClick={() => void check()}>
              Try again
            </button>
          </p>
        )}
        {account !== null && (
          <div className="row spread signed-in">
            <p data-testid="signed-in-as">
              Signed in as <strong>{account.username}</strong> — {orgName(account.organisation)} (
              {account.roles.join(', ') || 'no roles'})
            </p>
            <button
              type="button"
              className="secondary"
              data-testid="sign-out"
              onClick={() => void onSignOut()}
              disabled={busy}
            >
              Sign out
            </button>
          </div>
        )}
        {account !== null && !allowed && (
          <p className="verdict verdict-error" role="alert" data-testid="role-required">
            The {desk} is for an account with the {roleList(roles)} role; {account.username} has{' '}
            {account.roles.length > 0 ? `the ${roleList(account.roles)} role` : 'no role'}. Sign
            out, or sign in below as someone who has it.
          </p>
        )}
        {state.phase === 'ready' && !allowed && (
          <form className="row signin-form" method="post" onSubmit={onSignIn}>
            {ended && account === null && (
              <p className="notice grow-full" data-testid="session-ended">
                Your session has ended: sign in again.
              </p>
            )}
            <label className="grow">
              Username{' '}
              <input
                type="text"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                maxLength={64}
                data-testid="signin-username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                disabled={busy}
              />
            </label>
            <label className="grow">
              Password{' '}
              <input
                type="password"
                name="password"
                autoComplete="current-password"
                data-testid="signin-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                disabled={busy}
              />
            </label>
            <button type="submit" data-testid="signin-submit" disabled={busy}>
              {account === null ? 'Sign in' : 'Sign in as someone else'}
            </button>
          </form>
        )}
        {error && (
          <p className="verdict verdict-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        {state.phase === 'ready' && account === null && (
          <p className="muted" data-testid="signin-hint">
            The {desk} is for an account with the {roleList(roles)} role: it acts as your account’s
            organisation.
          </p>
        )}
      </section>
      {account !== null && allowed && (
        // Keyed by the account: a different account starts the desk afresh.
        <Fragment key={account.username}>
          {children({ account, organisations: orgs, organisationsError: orgsError, orgName })}
        </Fragment>
      )}
    </>
  );
}
