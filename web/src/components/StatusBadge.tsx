const TONES: Record<string, string> = {
  Ready: 'ok', Succeeded: 'ok', ok: 'ok', Owner: 'info', Admin: 'info',
  Registered: 'pending', Queued: 'pending', Preprocessing: 'active', Running: 'active', Deleting: 'pending',
  Rejected: 'bad', Failed: 'bad', unreachable: 'bad', error: 'bad', unhealthy: 'bad', degraded: 'pending', Disabled: 'bad',
  Cancelled: 'muted', Deleted: 'muted', Active: 'ok', Expired: 'muted', Revoked: 'muted',
};

/** A state name in a coloured pill; the text carries the meaning, the colour only repeats it. */
export function StatusBadge({ value }: { value: string }) {
  return <span className={`badge badge-${TONES[value] ?? 'muted'}`}>{value}</span>;
}
