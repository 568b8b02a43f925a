/** What the servers can and cannot see; shown at sign-in and registration. */
export function PrivacyNotice() {
  return (
    <aside className="privacy" aria-labelledby="privacy-title">
      <h2 id="privacy-title">What the servers see</h2>
      <p>
        Your images are split into two random-looking <em>secret shares</em> on your own device; each share goes
        straight to one of two independent compute servers, which train on the shares together without ever
        reconstructing them.
      </p>
      <ul>
        <li><strong>This platform</strong> sees your account, project and dataset names, image shapes and counts,
          training settings and progress — never a pixel, a label, a share or a model weight.</li>
        <li><strong>Each compute server</strong> sees only its own share (uniformly random on its own), shapes and
          counts, and the loss curve only if you choose to reveal it.</li>
        <li><strong>The audit server</strong> records who did what, with ids, sizes and hashes, never data.</li>
        <li>Only you recombine the trained model, from both servers' shares.</li>
      </ul>
      <p className="muted">This holds as long as the two compute servers do not collude with each other or with the platform.</p>
    </aside>
  );
}
