import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Member, Project, ProjectRole } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDate, formatShape } from '../lib/format';
import { ActivityTab } from './project/ActivityTab';
import { DatasetsTab } from './project/DatasetsTab';
import { JobsTab } from './project/JobsTab';

const TABS = [
  { id: 'members', label: 'Members' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'activity', label: 'Activity' },
] as const;
type TabId = (typeof TABS)[number]['id'];
const ROLES: ProjectRole[] = ['Viewer', 'Contributor', 'Owner'];

export function ProjectDetailPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<unknown>(null);
  const tab: TabId = (TABS.find(t => t.id === params.get('tab'))?.id) ?? 'members';

  useEffect(() => {
    api.project(id).then(setProject, setError);
  }, [id]);

  function select(next: TabId) {
    setParams({ tab: next }, { replace: true });
  }

  function onKey(event: KeyboardEvent<HTMLButtonElement>) {
    const i = TABS.findIndex(t => t.id === tab);
    const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!move) return;
    event.preventDefault();
    const next = TABS[(i + move + TABS.length) % TABS.length]!;
    select(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  }

  if (error) return <><h1>Project</h1><ErrorMessage error={error} /><p><Link to="/projects">Back to projects</Link></p></>;
  if (!project) return <p className="muted">Loading…</p>;
  const isOwner = project.role === 'Owner';

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link to="/projects">Projects</Link> / <span aria-current="page">{project.name}</span></nav>
      <h1>{project.name}</h1>
      {project.description && <p className="lead">{project.description}</p>}
      <dl className="facts">
        <div><dt>Input</dt><dd>{formatShape(project.channels, project.height, project.width)}</dd></div>
        <div><dt>Classes</dt><dd>{project.classes}</dd></div>
        <div><dt>Your role</dt><dd>{project.role ?? 'administrator (metadata only)'}</dd></div>
        <div><dt>Created</dt><dd>{formatDate(project.createdAt)}</dd></div>
      </dl>
      <div role="tablist" aria-label="Project sections" className="tabs">
        {TABS.map(t => (
          <button key={t.id} id={`tab-${t.id}`} type="button" role="tab" aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} onClick={() => select(t.id)} onKeyDown={onKey}>
            {t.label}
          </button>
        ))}
      </div>
      <section id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'members' && <MembersTab project={project} isOwner={isOwner} />}
        {tab === 'datasets' && <DatasetsTab project={project} />}
        {tab === 'jobs' && <JobsTab project={project} isOwner={isOwner} />}
        {tab === 'activity' && <ActivityTab project={project} />}
      </section>
    </>
  );
}

function MembersTab({ project, isOwner }: { project: Project; isOwner: boolean }) {
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ userId: string; error: unknown } | null>(null);
  const [userName, setUserName] = useState('');
  const [role, setRole] = useState<ProjectRole>('Contributor');
  const [addError, setAddError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => api.members(project.id).then(setMembers, setError), [project.id]);
  useEffect(() => { void load(); }, [load]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setAddError(null);
    try {
      await api.addMember(project.id, userName.trim(), role);
      setUserName('');
      await load();
    } catch (e) {
      setAddError(e);
    } finally {
      setBusy(false);
    }
  }

  async function change(member: Member, next: ProjectRole) {
    setRowError(null);
    try {
      await api.changeMember(project.id, member.userId, next);
    } catch (e) {
      setRowError({ userId: member.userId, error: e });
    }
    await load();
  }

  async function remove(member: Member) {
    if (!window.confirm(`Remove ${member.userName} from ${project.name}?`)) return;
    setRowError(null);
    try {
      await api.removeMember(project.id, member.userId);
    } catch (e) {
      setRowError({ userId: member.userId, error: e });
    }
    await load();
  }

  return (
    <>
      <h2 className="visually-hidden">Members</h2>
      <ErrorMessage error={error} />
      {members && (
        <table className="table">
          <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Added</th>{isOwner && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
          <tbody>
            {members.map(m => (
              <tr key={m.userId}>
                <td>{m.userName}{m.displayName && m.displayName !== m.userName && <span className="muted"> ({m.displayName})</span>}</td>
                <td>
                  {isOwner ? (
                    <>
                      <label htmlFor={`role-${m.userId}`} className="visually-hidden">Role of {m.userName}</label>
                      <select id={`role-${m.userId}`} value={m.role} onChange={e => void change(m, e.target.value as ProjectRole)}>
                        {ROLES.map(r => <option key={r} value={r}>{r}</option>)}
                      </select>
                    </>
                  ) : m.role}
                  {rowError?.userId === m.userId && <ErrorMessage error={rowError.error} />}
                </td>
                <td>{formatDate(m.addedAt)}</td>
                {isOwner && <td><button type="button" className="danger" onClick={() => void remove(m)}>Remove<span className="visually-hidden"> {m.userName}</span></button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isOwner && (
        <form className="card inline-form" onSubmit={add} aria-labelledby="add-member-title">
          <h3 id="add-member-title">Add a member</h3>
          <div className="row">
            <div className="field">
              <label htmlFor="member-user">User name</label>
              <input id="member-user" required value={userName} onChange={e => setUserName(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="member-role">Role</label>
              <select id="member-role" value={role} onChange={e => setRole(e.target.value as ProjectRole)}>
                {ROLES.map(r => <option key={r} value={r}>{r}</option>)}
              </select>
            </div>
            <div className="field"><button type="submit" className="primary" disabled={busy || !userName.trim()}>Add member</button></div>
          </div>
          <p className="hint">Viewers see the project; contributors also upload data; owners manage members, start and cancel jobs and download models.</p>
          <ErrorMessage error={addError} />
        </form>
      )}
    </>
  );
}
