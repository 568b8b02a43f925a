import { useId, useRef, useState, type ReactNode } from 'react';

/**
 * A secret the platform returns once (a new API token, a generated password): shown in a read-only field with a
 * copy button and the warning that it is not shown again. `onDone` hides it for good.
 */
export function OneTimeSecret({ title, label, secret, children, onDone }: {
  title: string; label: string; secret: string; children?: ReactNode; onDone: () => void;
}) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // No clipboard access (an insecure context or a refused permission): select it for Ctrl+C.
      field.current?.select();
      setCopied('no');
    }
  }

  return (
    <div className="card one-time-secret" role="region" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="notice"><strong>Copy it now: it is not shown again.</strong> The platform keeps only a hash of it.</p>
      <div className="row">
        <div className="field secret-field">
          <label htmlFor={`${id}-value`}>{label}</label>
          <input id={`${id}-value`} ref={field} readOnly value={secret} spellCheck={false} autoComplete="off"
            onFocus={e => e.currentTarget.select()} data-secret="" />
        </div>
        <div className="field buttons">
          <button type="button" className="primary" onClick={() => void copy()}>Copy</button>
          <button type="button" onClick={onDone}>Done</button>
        </div>
      </div>
      <p aria-live="polite" className="small muted">
        {copied === 'yes' && 'Copied to the clipboard.'}
        {copied === 'no' && 'The browser refused the clipboard; the text is selected: press Ctrl+C (⌘C).'}
      </p>
      {children}
    </div>
  );
}
