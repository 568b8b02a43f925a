import { useEffect, useRef, useState, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api/client';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { SigningKeyProvider } from './auth/SigningKeyContext';
import { SigningKeyNotice } from './components/SigningKeyNotice';
import { ApprovalPage } from './pages/ApprovalPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { Footer } from './components/Footer';
import { AccountPage } from './pages/AccountPage';
import { AuditPage } from './pages/AuditPage';
import { DashboardPage } from './pages/DashboardPage';
import { JobDetailPage } from './pages/JobDetailPage';
import { LoginPage } from './pages/LoginPage';
import { PrivacyPage } from './pages/PrivacyPage';
import { PrivacyReportPage } from './pages/PrivacyReportPage';
import { ProjectDetailPage } from './pages/ProjectDetailPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { RegisterPage } from './pages/RegisterPage';
import { UsersPage } from './pages/UsersPage';

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <SigningKeyProvider>
          <Shell />
        </SigningKeyProvider>
      </AuthProvider>
    </BrowserRouter>
  );
}

function Shell() {
  const { user } = useAuth();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // Move focus to the page on navigation so screen readers announce it.
  useEffect(() => { main.current?.focus({ preventScroll: true }); }, [location.pathname]);

  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="IMGuard home">IMGuard</Link>
        {user && <MainNav />}
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content">
        {user && location.pathname !== '/approvals' && location.pathname !== '/account' && <SigningKeyNotice />}
        {user === undefined ? <p className="muted">Loading…</p> : (
          <Routes>
            <Route path="/login" element={user ? <Navigate to="/" replace /> : <LoginPage />} />
            <Route path="/register" element={user ? <Navigate to="/" replace /> : <RegisterPage />} />
            <Route path="/" element={<RequireUser><DashboardPage /></RequireUser>} />
            <Route path="/projects" element={<RequireUser><ProjectsPage /></RequireUser>} />
            <Route path="/projects/:id" element={<RequireUser><ProjectDetailPage /></RequireUser>} />
            <Route path="/jobs/:id" element={<RequireUser><JobDetailPage /></RequireUser>} />
            <Route path="/jobs/:id/approval" element={<RequireUser><ApprovalPage /></RequireUser>} />
            <Route path="/approvals" element={<RequireUser><ApprovalsPage /></RequireUser>} />
            <Route path="/privacy" element={<PrivacyPage />} />
            <Route path="/privacy-report" element={<RequireUser><PrivacyReportPage /></RequireUser>} />
            <Route path="/account" element={<RequireUser><AccountPage /></RequireUser>} />
            <Route path="/users" element={<RequireUser admin><UsersPage /></RequireUser>} />
            <Route path="/audit" element={<RequireUser admin><AuditPage /></RequireUser>} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        )}
      </main>
      <Footer />
    </>
  );
}

function MainNav() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  async function signOut() {
    // The page behind goes away with the session; the sign-in page then says the user signed out.
    await logout().catch(() => undefined);
    navigate('/login', { replace: true });
  }
  return (
    <nav aria-label="Main" className="mainnav">
      <ul>
        <li><NavLink to="/" end>Dashboard</NavLink></li>
        <li><NavLink to="/projects">Projects</NavLink></li>
        <li><ApprovalsLink /></li>
        <li><NavLink to="/privacy-report">Privacy report</NavLink></li>
        <li><NavLink to="/account">Account</NavLink></li>
        {user?.role === 'Admin' && <li><NavLink to="/users">Users</NavLink></li>}
        {user?.role === 'Admin' && <li><NavLink to="/audit">Audit log</NavLink></li>}
      </ul>
      <span className="whoami">{user?.userName}{user?.role === 'Admin' && ' (admin)'}</span>
      <button type="button" onClick={() => void signOut()}>Sign out</button>
    </nav>
  );
}

/** "Approvals" with the number of jobs waiting for the user's signature, re-read on every navigation. */
function ApprovalsLink() {
  const location = useLocation();
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    api.approvals().then(jobs => { if (live) setCount(jobs.length); }, () => { if (live) setCount(null); });
    return () => { live = false; };
  }, [location.pathname]);
  return (
    <NavLink to="/approvals">
      Approvals{count ? <> <span className="badge badge-pending" aria-label={`${count} waiting`}>{count}</span></> : null}
    </NavLink>
  );
}

function RequireUser({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (admin && user.role !== 'Admin') {
    return <><h1>Administrators only</h1><p>This page is for platform administrators.</p></>;
  }
  return <>{children}</>;
}

function NotFound() {
  return <><h1>Page not found</h1><p><Link to="/">Go to the dashboard</Link></p></>;
}
