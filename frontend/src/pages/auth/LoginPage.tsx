import { useState, type FormEvent } from "react";
import { useLogin } from "../../api/session";
import { ErrorState } from "../../components/States";

/** Shown instead of any page while nobody is signed in; the page asked for opens after. */
export function LoginPage() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useLogin();

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ username: username.trim(), password });
  }

  return (
    <div className="page login-page">
      <h1>Sign in to Skyulf</h1>
      <form className="login-form" onSubmit={submit} aria-label="Sign in">
        <label className="field">
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label className="field">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <div className="form-actions">
          <button type="submit" disabled={login.isPending || username.trim() === "" || password === ""}>
            {login.isPending ? "Signing in…" : "Sign in"}
          </button>
        </div>
      </form>
      {login.isError && <ErrorState title="Could not sign in" error={login.error} />}
      <p className="muted">
        First start? <code>make run</code> printed the <code>admin</code> password once.
      </p>
    </div>
  );
}
