import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AuditQuery, AuditRecord, AuditVerification } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDate, formatProperties, plural, shortHash } from '../lib/format';

const PAGE_SIZE = 25;

export function AuditPage() {
  const [eventType, setEventType] = useState('');
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const [filter, setFilter] = useState<AuditQuery>({});
  // The cursors of the pages before this one (for "Previous") and this page's own.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [nextCursor, setNextCursor] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await api.auditRecords({ ...filter, cursor, limit: PAGE_SIZE, newestFirst: true });
      setRecords(page.records);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    }
  }, [filter, cursor]);
  useEffect(() => { void load(); }, [load]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({ eventType: eventType.trim() || undefined, actor: actor.trim() || undefined, subject: subject.trim() || undefined });
    setCursors([undefined]);
  }

  function clear() {
    setEventType(''); setActor(''); setSubject('');
    setFilter({});
    setCursors([undefined]);
  }

  async function verify() {
    setVerifying(true);
    setVerifyError(null);
    setVerification(null);
    try {
      setVerification(await api.auditVerify());
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  }

  const page = cursors.length;
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
        <button type="button" className="primary" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      <div aria-live="polite">
        <ErrorMessage error={verifyError} />
        {verification && <VerificationResult report={verification} />}
      </div>
      <form className="card filters" onSubmit={apply} aria-label="Filter the audit log">
        <div className="row">
          <div className="field">
            <label htmlFor="f-type">Event type</label>
            <input id="f-type" placeholder="e.g. project.created" value={eventType} onChange={e => setEventType(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-actor">Actor</label>
            <input id="f-actor" placeholder="e.g. user:admin" value={actor} onChange={e => setActor(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-subject">Subject</label>
            <input id="f-subject" placeholder="e.g. project:…" value={subject} onChange={e => setSubject(e.target.value)} />
          </div>
          <div className="field buttons">
            <button type="submit" className="primary">Filter</button>
            <button type="button" onClick={clear}>Clear</button>
          </div>
        </div>
      </form>
      <ErrorMessage error={error} />
      {records && records.length === 0 && <p className="muted">No records match.</p>}
      {records && records.length > 0 && (
        <div className="table-scroll">
          <table className="table audit-table">
            <caption className="visually-hidden">Audit records, newest first</caption>
            <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Actor</th><th scope="col">Subjects</th><th scope="col">Facts</th><th scope="col">Hash</th></tr></thead>
            <tbody>
              {records.map(r => (
                <tr key={r.sequence}>
                  <td>{r.sequence}</td>
                  <td className="time">{formatDate(r.timestamp)}</td>
                  <td><code>{r.eventType}</code></td>
                  <td>{r.actor}</td>
                  <td className="small">{r.subjects.map(s => <div key={s}><code>{s}</code></div>)}</td>
                  <td className="small facts">{formatProperties(r.properties)}</td>
                  <td className="small"><code title={r.recordHash}>{shortHash(r.recordHash, 6)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Audit log pages">
        <button type="button" disabled={page <= 1} onClick={() => setCursors(c => c.slice(0, -1))}>Newer</button>
        <span>Page {page}</span>
        <button type="button" disabled={nextCursor === null} onClick={() => setCursors(c => [...c, nextCursor ?? undefined])}>Older</button>
      </nav>
    </>
  );
}

export function VerificationResult({ report }: { report: AuditVerification }) {
  return (
    <div className={`card verification ${report.valid ? 'ok' : 'bad'}`} role="status">
      <h2>{report.valid ? 'Chain intact' : 'Chain broken'}</h2>
      <p>
        {plural(report.recordCount, 'record')} up to #{report.lastSequence}; {plural(report.checkpointCount, 'signed checkpoint')}
        {report.lastCheckpointSequence !== null ? ` (last at #${report.lastCheckpointSequence})` : ''}.
        {report.uncheckpointedRecords > 0 && ` ${plural(report.uncheckpointedRecords, 'record')} after the last checkpoint ${report.uncheckpointedRecords === 1 ? 'is' : 'are'} covered by the hash chain only.`}
      </p>
      {report.breaks.length > 0 && (
        <ul>
          {report.breaks.map(b => <li key={`${b.sequence}-${b.kind}`}>#{b.sequence} {b.kind}: {b.description}</li>)}
          {report.totalBreaks > report.breaks.length && <li>… {report.totalBreaks - report.breaks.length} more</li>}
        </ul>
      )}
    </div>
  );
}
