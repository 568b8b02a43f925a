import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ActivityRecord, Project } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { activitySummary, eventLabel } from '../../lib/activity';
import { formatDate } from '../../lib/format';

const PAGE_SIZE = 25;

/**
 * The project's activity: the audit records naming it (newest first, from the audit server through the platform),
 * paged by the audit log's sequence numbers.
 */
export function ActivityTab({ project }: { project: Project }) {
  // The cursors of the pages before this one (for "Newer") and this page's own.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [records, setRecords] = useState<ActivityRecord[] | null>(null);
  const [nextCursor, setNextCursor] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setError(null);
    setLoading(true);
    try {
      const page = await api.projectActivity(project.id, cursor, PAGE_SIZE);
      setRecords(page.records);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [project.id, cursor]);
  useEffect(() => { void load(); }, [load]);

  const page = cursors.length;
  return (
    <>
      <div className="page-head">
        <h2>Activity</h2>
        <button type="button" onClick={() => (page === 1 ? void load() : setCursors([undefined]))} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      <p className="hint">What happened in this project, from the tamper-evident audit log: ids, counts, shapes and states, never data.</p>
      <ErrorMessage error={error} />
      {records && records.length === 0 && <p className="muted">No activity recorded yet.</p>}
      {records && records.length > 0 && (
        <div className="table-scroll">
          <table className="table activity-table">
            <caption className="visually-hidden">Project activity, newest first</caption>
            <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead>
            <tbody>
              {records.map(r => (
                <tr key={r.sequence}>
                  <td className="nowrap">{formatDate(r.timestamp)}</td>
                  <td className="nowrap">{eventLabel(r.eventType)}<div className="muted small"><code>{r.eventType}</code></div></td>
                  <td className="nowrap">{r.actor}</td>
                  <td className="small details">{activitySummary(r, project.id)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(page > 1 || nextCursor !== null) && (
        <nav className="pager" aria-label="Activity pages">
          <button type="button" disabled={page <= 1} onClick={() => setCursors(c => c.slice(0, -1))}>Newer</button>
          <span>Page {page}</span>
          <button type="button" disabled={nextCursor === null} onClick={() => setCursors(c => [...c, nextCursor ?? undefined])}>Older</button>
        </nav>
      )}
    </>
  );
}
