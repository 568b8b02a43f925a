import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Project } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDate, formatShape } from '../lib/format';
import { paginate } from '../lib/paging';

const PAGE_SIZE = 20;

export function ProjectsPage() {
  const [projects, setProjects] = useState<Project[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    api.projects().then(setProjects, setError);
  }, []);

  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (projects ?? []).filter(p => !q || p.name.toLowerCase().includes(q) || p.description.toLowerCase().includes(q));
  }, [projects, search]);
  const slice = paginate(shown, page, PAGE_SIZE);

  return (
    <>
      <div className="page-head">
        <h1>Projects</h1>
        <button type="button" className="primary" aria-expanded={creating} aria-controls="new-project"
          onClick={() => setCreating(c => !c)}>{creating ? 'Close' : 'New project'}</button>
      </div>
      {creating && <NewProjectForm />}
      <ErrorMessage error={error} />
      <label htmlFor="project-search" className="visually-hidden">Search projects</label>
      <input id="project-search" type="search" placeholder="Search projects" value={search}
        onChange={e => { setSearch(e.target.value); setPage(1); }} className="search" />
      {projects && projects.length === 0 && <p className="muted">No projects yet. Create one to start.</p>}
      {projects && projects.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Your projects</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Input</th><th scope="col">Classes</th><th scope="col">Your role</th><th scope="col">Created</th></tr>
          </thead>
          <tbody>
            {slice.items.map(p => (
              <tr key={p.id}>
                <td><Link to={`/projects/${p.id}`}>{p.name}</Link>{p.description && <div className="muted small">{p.description}</div>}</td>
                <td>{formatShape(p.channels, p.height, p.width)}</td>
                <td>{p.classes}</td>
                <td>{p.role ?? 'admin (metadata only)'}</td>
                <td>{formatDate(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {projects && projects.length > 0 && shown.length === 0 && <p className="muted">No project matches “{search.trim()}”.</p>}
      {slice.pageCount > 1 && (
        <nav className="pager" aria-label="Project pages">
          <button type="button" disabled={slice.page <= 1} onClick={() => setPage(slice.page - 1)}>Previous</button>
          <span aria-live="polite">Page {slice.page} of {slice.pageCount} <span className="muted small">({slice.first}–{slice.last} of {slice.total})</span></span>
          <button type="button" disabled={slice.page >= slice.pageCount} onClick={() => setPage(slice.page + 1)}>Next</button>
        </nav>
      )}
    </>
  );
}

function NewProjectForm() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [channels, setChannels] = useState(1);
  const [height, setHeight] = useState(28);
  const [width, setWidth] = useState(28);
  const [classes, setClasses] = useState(10);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await api.createProject({ name: name.trim(), description: description.trim() || null, channels, height, width, classes });
      navigate(`/projects/${project.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id="new-project" className="card form-grid" onSubmit={submit} aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <div className="field wide">
        <label htmlFor="np-name">Name</label>
        <input id="np-name" required value={name} onChange={e => setName(e.target.value)} />
      </div>
      <div className="field wide">
        <label htmlFor="np-description">Description</label>
        <textarea id="np-description" rows={2} value={description} onChange={e => setDescription(e.target.value)} />
      </div>
      <fieldset className="wide">
        <legend>Input shape and classes (every dataset of the project uses them)</legend>
        <div className="row">
          <NumberField id="np-channels" label="Channels" value={channels} onChange={setChannels} min={1} max={4} />
          <NumberField id="np-height" label="Height (px)" value={height} onChange={setHeight} min={1} max={1024} />
          <NumberField id="np-width" label="Width (px)" value={width} onChange={setWidth} min={1} max={1024} />
          <NumberField id="np-classes" label="Classes" value={classes} onChange={setClasses} min={2} max={1000} />
        </div>
        <p className="hint">Fashion-MNIST: 1 × 28 × 28, 10 classes.</p>
      </fieldset>
      <ErrorMessage error={error} />
      <div className="wide"><button type="submit" className="primary" disabled={busy || !name.trim()}>{busy ? 'Creating…' : 'Create project'}</button></div>
    </form>
  );
}

export function NumberField({ id, label, value, onChange, min, max, step, disabled, describedBy }: {
  id: string; label: string; value: number; onChange: (v: number) => void; min?: number; max?: number; step?: number | 'any';
  disabled?: boolean; describedBy?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="decimal" value={Number.isNaN(value) ? '' : value} min={min} max={max} step={step}
        onChange={e => onChange(e.target.valueAsNumber)} disabled={disabled} aria-describedby={describedBy} required />
    </div>
  );
}
