import { Link } from 'react-router';

/** The page footer: the one-line promise and the privacy notice (its own page: the sign-in page sends a signed-in user home). */
export function Footer() {
  return (
    <footer className="footer">
      Images are secret-shared on your device; no server sees a pixel. <Link to="/privacy">Privacy notice</Link>
    </footer>
  );
}
