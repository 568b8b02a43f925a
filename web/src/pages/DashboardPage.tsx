import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { AuditRecord, ServiceHealth } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { ACTIVE_STATES, errorMessage, formatDate } from '../lib/format';

interface Counts {
  projects: number;
  datasets: number;
  readyDatasets: number;
  activeJobs: number;
  runningJobs: number;
}

const ROLE_NAMES: Record<string, string> = {
  platform: 'Platform', 'party-0': 'Party 0', 'party-1': 'Party 1', audit: 'Audit server', dealer: 'Dealer',
};

export function DashboardPage() {
  const { user } = useAuth();
  const [counts, setCounts] = useState<Counts | null>(null);
  const [countsError, setCountsError] = useState<unknown>(null);
  const [health, setHealth] = useState<ServiceHealth[] | null>(null);
  const [healthError, setHealthError] = useState<unknown>(null);
  const [activity, setActivity] = useState<AuditRecord[] | null>(null);
  const [activityError, setActivityError] = useState<unknown>(null);
  const isAdmin = user?.role === 'Admin';

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const projects = await api.projects();
        const perProject = await Promise.all(projects.map(async p => {
          const [datasets, jobs] = await Promise.all([api.datasets(p.id), api.jobs(p.id)]);
          return { datasets, jobs };
        }));
        const datasets = perProject.flatMap(p => p.datasets);
        const jobs = perProject.flatMap(p => p.jobs);
        if (live) setCounts({
          projects: projects.length,
          datasets: datasets.length,
          readyDatasets: datasets.filter(d => d.status === 'Ready').length,
          activeJobs: jobs.filter(j => ACTIVE_STATES.includes(j.state)).length,
          runningJobs: jobs.filter(j => j.state === 'Running' || j.state === 'Preprocessing').length,
        });
      } catch (e) {
        if (live) setCountsError(e);
      }
    })();
    (async () => {
      // The platform reports every service, itself first with its own checks; when that fails, at least its /health.
      let services: ServiceHealth[];
      try {
        services = (await api.systemHealth()).services;
      } catch (e) {
        if (live) setHealthError(e);
        try {
          const platform = await api.platformHealth();
          services = [{ role: 'platform', status: platform.status, checks: platform.checks ?? [] }];
        } catch (e2) {
          services = [{ role: 'platform', status: 'unreachable', checks: [], detail: errorMessage(e2) }];
        }
      }
      if (live) setHealth(services);
    })();
    if (isAdmin) {
      api.auditRecords({ limit: 8, newestFirst: true })
        .then(page => { if (live) setActivity(page.records); })
        .catch(e => { if (live) setActivityError(e); });
    }
    return () => { live = false; };
  }, [isAdmin]);

  return (
    <>
      <h1>Dashboard</h1>
      <p className="lead">Welcome, {user?.displayName || user?.userName}.</p>
      <section aria-labelledby="counts-title">
        <h2 id="counts-title" className="visually-hidden">Your numbers</h2>
        <ErrorMessage error={countsError} />
        <div className="stats">
          <Stat label="Projects" value={counts?.projects} to="/projects" />
          <Stat label="Datasets" value={counts?.datasets} note={counts ? `${counts.readyDatasets} ready` : undefined} />
          <Stat label="Running jobs" value={counts?.runningJobs} note={counts ? `${counts.activeJobs - counts.runningJobs} queued` : undefined} />
        </div>
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="health-title">
          <h2 id="health-title">System health</h2>
          {!health && <p className="muted">Checking…</p>}
          {health && <HealthTable services={health} />}
          <ErrorMessage error={healthError} />
        </section>
        <section className="card" aria-labelledby="activity-title">
          <h2 id="activity-title">Recent activity</h2>
          {!isAdmin && <p className="muted">The audit log is visible to administrators.</p>}
          <ErrorMessage error={activityError} />
          {isAdmin && !activity && !activityError && <p className="muted">Loading…</p>}
          {activity && activity.length === 0 && <p className="muted">No events yet.</p>}
          {activity && activity.length > 0 && (
            <ul className="activity">
              {activity.map(r => (
                <li key={r.sequence}>
                  <code>{r.eventType}</code> <span className="muted">by</span> {r.actor}
                  <span className="muted"> · {formatDate(r.timestamp)}</span>
                </li>
              ))}
            </ul>
          )}
          {isAdmin && <p><Link to="/audit">Open the audit log</Link></p>}
        </section>
      </div>
    </>
  );
}

/**
 * One row per service: its status, and under a service that is not ok the checks that failed, each with the reason
 * the service gives (e.g. "database: The database cannot be reached.").
 */
export function HealthTable({ services }: { services: ServiceHealth[] }) {
  return (
    <table className="table compact">
      <thead><tr><th scope="col">Service</th><th scope="col">Status</th></tr></thead>
      <tbody>
        {services.map(s => {
          const failing = (s.checks ?? []).filter(c => c.status !== 'ok');
          return (
            <tr key={s.role}>
              <td>{ROLE_NAMES[s.role] ?? s.role}</td>
              <td>
                <StatusBadge value={s.status} />{s.detail && <span className="muted"> {s.detail}</span>}
                {failing.length > 0 && (
                  <ul className="health-checks">
                    {failing.map(c => (
                      <li key={c.name}><StatusBadge value={c.status} /> <strong>{c.name}</strong>: {c.description}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Stat({ label, value, note, to }: { label: string; value: number | undefined; note?: string; to?: string }) {
  const body = (
    <>
      <span className="stat-value">{value ?? '…'}</span>
      <span className="stat-label">{label}</span>
      {note && <span className="stat-note">{note}</span>}
    </>
  );
  return <div className="card stat">{to ? <Link to={to} className="stat-link">{body}</Link> : body}</div>;
}
