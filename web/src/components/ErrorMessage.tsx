import { errorMessage } from '../lib/format';

/** A server's refusal shown where the user acted; announced to screen readers. */
export function ErrorMessage({ error, action }: { error: unknown; action?: 'login' | 'register' }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error, action)}
    </p>
  );
}

export function Notice({ children }: { children: React.ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}
