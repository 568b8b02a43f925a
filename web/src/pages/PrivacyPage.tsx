import { Link } from 'react-router';
import { PrivacyNotice } from '../components/PrivacyNotice';

/** The privacy notice on a page of its own: the footer links here, signed in or not (the sign-in page also shows it). */
export function PrivacyPage() {
  return (
    <>
      <h1>Privacy notice</h1>
      <PrivacyNotice />
      <p>The <Link to="/privacy-report">privacy report</Link> measures what an attacker could recover from what a server sees.</p>
    </>
  );
}
