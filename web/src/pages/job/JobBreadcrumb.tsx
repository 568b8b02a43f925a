import { Link } from 'react-router';

/**
 * Projects / <the project's name> / <job id>. The project is named once it is known (the job names only its id); until
 * then, and for a user who may not read the project, the link says "Project".
 */
export function JobBreadcrumb({ jobId, projectId, projectName }: { jobId: string; projectId?: string; projectName?: string | null }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to="/projects">Projects</Link>
      {projectId && <> / <Link to={`/projects/${projectId}?tab=jobs`}>{projectName || 'Project'}</Link></>} / <span aria-current="page">{jobId}</span>
    </nav>
  );
}
