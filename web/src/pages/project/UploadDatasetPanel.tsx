import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { keyFingerprint } from '../../lib/consent/signing';
import { ownerKeyFor } from '../../lib/consent/keystore';
import type { Dataset, DatasetPurpose, Project, UploadGrantView } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { formatPercent, plural } from '../../lib/format';
import {
  checkStandardization, listOwnerDatasets, saveOwnerDataset, standardizationJson, type StandardizationStats,
} from '../../lib/ownerVault';
import { groupFolder, isImageName, type ImageFailure } from '../../sharing/images';
import { pendingUploads, type PendingUpload } from '../../sharing/pendingUploads';
import { NothingDecodedError, type SharingPhase, type SharingRequest, type SharingResult, type SharingSource } from '../../sharing/prepare';
import { DEFAULT_FRACTIONAL_BITS } from '../../lib/ring';
import { runSharing, type SharingJob } from '../../sharing/runSharing';
import { newDatasetId } from '../../sharing/shareFile';
import { checkPremadeShares, checkScalingChoice, isScalingRecord, parseScalingRecord, type ScalingRecord } from '../../sharing/premadeShares';
import { PartyUnreachableError, probeParty, ShareUploader, UploadRefusedError } from '../../sharing/uploader';

type SourceKind = 'folder' | 'files' | 'idx' | 'shares';
type Step = 'idle' | 'checking' | 'sharing' | 'registering' | 'probing' | 'blocked' | 'uploading' | 'paused' | 'failed' | 'waiting' | 'settled';

const PHASE_WORDS: Record<SharingPhase, string> = { reading: 'Reading the IDX files', decoding: 'Decoding images', sharing: 'Secret-sharing' };
/** A grant this close to its expiry is renewed before resuming. */
const GRANT_MARGIN_MS = 60_000;

interface PartyProgress { sent: number; total: number; done: boolean }
interface Halves { half0: Blob; half1: Blob }

/** What is registered and sent, whether shared on this page or read from share files written earlier. */
interface Prepared extends Halves {
  id: string;
  count: number;
  fractionalBits: number;
  digest0: string;
  digest1: string;
  /** Present when this browser knows the statistics (shared here, or the CLI's file picked with the shares). */
  result?: SharingResult;
}

/** A request from the dataset list to go on with an interrupted upload (`nonce` makes each click a new request). */
export interface ResumeRequest { pending: PendingUpload; nonce: number }

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The in-browser upload: pick images (a folder with one sub-folder per class, loose images of one class, or IDX
 * files), share them here (a Web Worker decodes, standardises, encodes and splits; no pixel leaves this page), register
 * the dataset (digests only), send each half straight to its party, and wait until both parties report it.
 */
export function UploadDatasetPanel({ project, onChanged, resume, onActive }: {
  project: Project;
  onChanged: () => void;
  /** An interrupted upload to resume (from the dataset list). */
  resume?: ResumeRequest | null;
  /** The dataset this panel is sending now, or null: the list shows it as uploading rather than offering a resume. */
  onActive?: (datasetId: string | null) => void;
}) {
  const { user } = useAuth();
  const [ownerKey, setOwnerKey] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState<DatasetPurpose>('Train');
  const [kind, setKind] = useState<SourceKind>('folder');
  // What the shared values are: standardised with this owner's own statistics (kept here), or raw x/255 for jobs with other owners.
  const [scaling, setScaling] = useState<'own' | 'raw'>('own');
  const [folderFiles, setFolderFiles] = useState<File[]>([]);
  const [looseFiles, setLooseFiles] = useState<File[]>([]);
  const [looseClass, setLooseClass] = useState(0);
  const [idxImages, setIdxImages] = useState<File | null>(null);
  const [idxLabels, setIdxLabels] = useState<File | null>(null);
  const [idxLimit, setIdxLimit] = useState(0);
  // Share files written earlier by `imguard dataset share` (both halves, and optionally its .standardization.json).
  const [shareFiles, setShareFiles] = useState<File[]>([]);
  const [checking, setChecking] = useState<{ done: number; total: number } | null>(null);
  // Whether the owner key shown is this browser's (shared here) or the one in pre-made share files (another device's).
  const [ownerKeyHere, setOwnerKeyHere] = useState(true);
  const [statsChoice, setStatsChoice] = useState('');
  const [importedStats, setImportedStats] = useState<StandardizationStats | null>(null);
  const [importError, setImportError] = useState<unknown>(null);

  const [step, setStep] = useState<Step>('idle');
  const [sharing, setSharing] = useState<{ phase: SharingPhase; done: number; total: number } | null>(null);
  const [failures, setFailures] = useState<ImageFailure[]>([]);
  const [result, setResult] = useState<SharingResult | null>(null);
  // The purpose of the upload the result belongs to (the form may already show the next one's).
  const [resultPurpose, setResultPurpose] = useState<DatasetPurpose>('Train');
  const [datasetId, setDatasetId] = useState('');
  const [parties, setParties] = useState<PartyProgress[]>([]);
  const [unreachable, setUnreachable] = useState<PartyUnreachableError[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [settled, setSettled] = useState<Dataset | null>(null);
  // Why this browser could not keep the halves for a resume after the page closes (storage refused), if it could not.
  const [keepProblem, setKeepProblem] = useState<string | null>(null);

  const jobRef = useRef<SharingJob | null>(null);
  const grantsRef = useRef<UploadGrantView[]>([]);
  const uploadersRef = useRef<ShareUploader[]>([]);
  const abortRef = useRef<AbortController | null>(null);
  // Whether each party (by party id) holds its half.
  const storedRef = useRef<boolean[]>([]);
  const halvesRef = useRef<Halves | null>(null);
  // What this browser keeps of the upload so it can be resumed after the page is gone (pendingUploads).
  const pendingRef = useRef<PendingUpload | null>(null);
  const panelRef = useRef<HTMLElement>(null);
  const mounted = useRef(true);
  useEffect(() => () => {
    mounted.current = false;
    jobRef.current?.cancel();
    abortRef.current?.abort();
  }, []);

  const trainRecords = useMemo(() => listOwnerDatasets(project.id).filter(r => r.purpose === 'train' && r.standardization), [project.id, step]);
  const folder = useMemo(() => groupFolder(folderFiles.map(f => ({ name: f.name, webkitRelativePath: f.webkitRelativePath, blob: f }))), [folderFiles]);
  const trainStats: StandardizationStats | undefined = statsChoice === 'import' ? importedStats ?? undefined
    : trainRecords.find(r => r.datasetId === statsChoice)?.standardization;
  const busy = step !== 'idle' && step !== 'settled' && step !== 'failed' && step !== 'blocked' && step !== 'paused';
  // This panel holds the dataset's upload (sending, paused, or waiting for a retry): the list points here instead of
  // offering a second resume.
  const holding = step === 'registering' || step === 'probing' || step === 'uploading' || step === 'waiting'
    || step === 'paused' || step === 'blocked' || (step === 'failed' && parties.length > 0);
  useEffect(() => { onActive?.(holding && datasetId ? datasetId : null); }, [holding, datasetId, onActive]);
  // A registered dataset whose halves are not all sent yet: finish it (Resume / Try again) before sharing another.
  const unfinished = step === 'paused' || step === 'blocked';

  function sourceProblem(): string | undefined {
    if (kind === 'shares') {
      const shares = shareFiles.filter(f => !f.name.endsWith('.json'));
      const records = shareFiles.filter(f => isScalingRecord(f.name));
      const statistics = shareFiles.filter(f => f.name.endsWith('.json') && !isScalingRecord(f.name));
      if (shares.length !== 2) return `Choose the two share files of one dataset (<id>.party0.share and <id>.party1.share)${shares.length > 0 ? `; ${shares.length} chosen` : ''}.`;
      if (statistics.length > 1) return 'Choose at most one .standardization.json with the share files.';
      if (records.length > 1) return 'Choose at most one .scaling.json with the share files.';
      if (scaling === 'raw' && statistics.length > 0) {
        return 'Share files of raw pixels have no statistics: leave out the .standardization.json, or choose "standardised with my own statistics" if they were.';
      }
      return undefined;
    }
    if (project.channels !== 1 && project.channels !== 3 && kind !== 'idx') return `Images are shared as 1 or 3 channels; this project takes ${project.channels}.`;
    if (kind === 'folder') {
      if (folderFiles.length === 0) return 'Choose a folder.';
      if (folder.entries.length === 0) return 'The folder has no images in class sub-folders (folder/class/image.png).';
      if (folder.classNames.length !== project.classes) {
        return `The folder has ${plural(folder.classNames.length, 'class sub-folder')} (${folder.classNames.join(', ')}); the project has ${plural(project.classes, 'class')}.`;
      }
    }
    if (kind === 'files' && looseFiles.length === 0) return 'Choose image files.';
    if (kind === 'idx' && (!idxImages || !idxLabels)) return 'Choose the IDX images file and its labels file.';
    if (purpose === 'Test' && scaling === 'own') {
      if (!trainStats) return 'A test set is standardised with its training set\'s statistics: choose the training set or import its .standardization.json.';
      if (trainStats.mean.length !== project.channels) return `The statistics have ${trainStats.mean.length} channels; the project has ${project.channels}.`;
    }
    return undefined;
  }
  const problem = sourceProblem();

  /** Reads and checks share files written earlier (every check `imguard dataset upload --shares` makes). */
  async function premade(): Promise<Prepared> {
    const stats = shareFiles.find(f => f.name.endsWith('.json') && !isScalingRecord(f.name));
    const recordFile = shareFiles.find(f => isScalingRecord(f.name));
    // What `imguard dataset share` recorded the files hold: they are registered as that, never as the other.
    const record: ScalingRecord | undefined = recordFile ? parseScalingRecord(await recordFile.text(), recordFile.name) : undefined;
    const mismatch = recordFile && checkScalingChoice(scaling, record, recordFile.name);
    if (mismatch) throw new Error(mismatch);
    const shares = await checkPremadeShares(shareFiles.filter(f => f !== stats && f !== recordFile).map(f => ({ name: f.name, blob: f })), project, undefined,
      (done, total) => { if (mounted.current) setChecking({ done, total }); });
    if (mounted.current) {
      setOwnerKey(shares.ownerKeyFingerprint);
      setOwnerKeyHere(false);
    }
    let result: SharingResult | undefined;
    if (stats) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await stats.text());
      } catch {
        throw new Error(`${stats.name} is not JSON.`);
      }
      const standardization = checkStandardization(parsed);
      if (standardization.mean.length !== project.channels) throw new Error(`${stats.name} has statistics of ${standardization.mean.length} channels; the project has ${project.channels}.`);
      const names = (parsed as { classNames?: unknown }).classNames;
      const classNames = Array.isArray(names) && names.length === project.classes && names.every(n => typeof n === 'string') ? names as string[]
        : Array.from({ length: project.classes }, (_, i) => String(i));
      result = { ...shares, count: shares.header.count, standardization, classNames, labels: [], failures: [] };
    } else if (record?.scaling === 'raw') {
      // A raw dataset has no statistics; its record keeps the class names (the ONNX of a model trained on it names them).
      const classNames = record.classNames?.length === project.classes ? record.classNames : Array.from({ length: project.classes }, (_, i) => String(i));
      result = { ...shares, count: shares.header.count, standardization: undefined, classNames, labels: [], failures: [] };
    }
    return {
      id: shares.datasetId, count: shares.header.count, fractionalBits: shares.header.fractionalBits,
      half0: shares.half0, half1: shares.half1, digest0: shares.digest0, digest1: shares.digest1, result,
    };
  }

  function source(): SharingSource {
    if (kind === 'idx') {
      return {
        kind: 'idx', images: idxImages!, labels: idxLabels!, imagesName: idxImages!.name, labelsName: idxLabels!.name,
        limit: Number.isFinite(idxLimit) && idxLimit > 0 ? Math.floor(idxLimit) : undefined,
      };
    }
    if (kind === 'folder') return { kind: 'images', entries: folder.entries, classNames: folder.classNames };
    return {
      kind: 'images',
      entries: looseFiles.map(f => ({ file: f, path: f.name, label: looseClass })),
      classNames: Array.from({ length: project.classes }, (_, i) => String(i)),
    };
  }

  async function importStats(file: File | undefined) {
    setImportError(null);
    setImportedStats(null);
    if (!file) return;
    try {
      setImportedStats(checkStandardization(JSON.parse(await file.text())));
    } catch (e) {
      setImportError(e instanceof SyntaxError ? new Error(`${file.name} is not JSON.`) : e);
    }
  }

  async function start(event: FormEvent) {
    event.preventDefault();
    if (problem) return;
    setError(null);
    setFailures([]);
    setSettled(null);
    setUnreachable([]);
    setResult(null);
    setKeepProblem(null);
    setChecking(null);
    setOwnerKey(null);
    setOwnerKeyHere(true);
    let prepared: Prepared;
    if (kind === 'shares') {
      setStep('checking');
      try {
        prepared = await premade();
      } catch (e) {
        if (mounted.current) {
          setError(e);
          setStep('idle');
        }
        return;
      }
      setDatasetId(prepared.id);
    } else {
      const id = newDatasetId();
      setDatasetId(id);
      setStep('sharing');
      try {
        // This user's signing key in this browser (made on first use): both halves carry its public half, so the parties
        // use the dataset only in jobs this key approves.
        if (!user) throw new Error('Sign in again to share a dataset.');
        const key = await ownerKeyFor(user.userName);
        if (mounted.current) setOwnerKey((await keyFingerprint(key.publicKey)).short);
        const request: SharingRequest = {
          source: source(), channels: project.channels, height: project.height, width: project.width, classes: project.classes,
          datasetId: id, fractionalBits: DEFAULT_FRACTIONAL_BITS, standardization: purpose === 'Test' && scaling === 'own' ? trainStats : undefined,
          scaling, ownerKey: key.publicKey,
        };
        const job = runSharing(request, m => { if (mounted.current) setSharing({ phase: m.phase, done: m.done, total: m.total }); });
        jobRef.current = job;
        const shared = await job.result;
        prepared = { ...shared, id, fractionalBits: DEFAULT_FRACTIONAL_BITS, result: shared };
      } catch (e) {
        if (mounted.current) {
          // Nothing decoded: the list below names every file and why, as for files skipped among good ones.
          if (e instanceof NothingDecodedError) setFailures(e.failures);
          setError(e);
          setStep('idle');
        }
        return;
      } finally {
        jobRef.current = null;
      }
    }
    if (!mounted.current) return;
    const { id, result: shared } = prepared;
    setFailures(shared?.failures ?? []);
    setResult(shared ?? null);
    setResultPurpose(purpose);
    setStep('registering');
    try {
      const registered = await api.registerDataset(project.id, {
        name: name.trim(), purpose, count: prepared.count, fractionalBits: prepared.fractionalBits,
        digest0: prepared.digest0, digest1: prepared.digest1, id, scaling: { kind: scaling },
      });
      if (shared) {
        // A raw dataset keeps no statistics here: only its class names (and a test set's labels).
        saveOwnerDataset({
          datasetId: id, projectId: project.id, name: name.trim(), purpose: purpose === 'Test' ? 'test' : 'train', scaling,
          ...(shared.standardization ? { standardization: shared.standardization } : {}), classNames: shared.classNames,
          ...(purpose === 'Test' && shared.labels.length === prepared.count ? { labels: shared.labels } : {}),
          createdAt: new Date().toISOString(),
        });
      }
      grantsRef.current = registered.uploads;
      uploadersRef.current = registered.uploads.map(g => new ShareUploader(g));
      storedRef.current = [false, false];
      halvesRef.current = { half0: prepared.half0, half1: prepared.half1 };
      setParties(registered.uploads.map(g => ({ sent: 0, total: (g.party === 0 ? prepared.half0 : prepared.half1).size, done: false })));
      // Kept before any byte is sent, so the dataset list can resume it if this page goes away mid-upload.
      await keep({
        datasetId: id, projectId: project.id, name: name.trim(), purpose, count: prepared.count, half0: prepared.half0, half1: prepared.half1,
        uploadIds: [null, null], stored: [false, false], createdAt: new Date().toISOString(),
      });
      onChanged();
    } catch (e) {
      setError(e);
      setStep('failed');
      return;
    }
    await send(id);
  }

  /** Saves (or updates) what a later page needs to resume; an upload goes on without it, saying so once. */
  async function keep(next: PendingUpload | null) {
    pendingRef.current = next;
    if (!next) return;
    try {
      await pendingUploads.put(next);
    } catch (e) {
      if (mounted.current) setKeepProblem(e instanceof Error ? e.message : String(e));
    }
  }

  async function forget(id: string) {
    pendingRef.current = null;
    await pendingUploads.delete(id).catch(() => undefined);
  }

  /** Goes on with an upload interrupted on another page (or before a reload): the halves and upload ids this browser kept. */
  async function resumePending(pending: PendingUpload) {
    setError(null);
    setFailures([]);
    setSettled(null);
    setUnreachable([]);
    setResult(null);
    setKeepProblem(null);
    setDatasetId(pending.datasetId);
    setResultPurpose(pending.purpose);
    setStep('registering');
    panelRef.current?.scrollIntoView({ block: 'start' });
    halvesRef.current = { half0: pending.half0, half1: pending.half1 };
    storedRef.current = [...pending.stored];
    pendingRef.current = pending;
    try {
      const renewed = await api.uploadGrants(pending.datasetId);
      grantsRef.current = renewed.uploads;
      uploadersRef.current = renewed.uploads.map(g => {
        const uploader = new ShareUploader(g);
        uploader.uploadId = pending.uploadIds[g.party] ?? undefined;
        return uploader;
      });
      setParties(renewed.uploads.map(g => {
        const total = (g.party === 0 ? pending.half0 : pending.half1).size;
        return { sent: pending.stored[g.party] ? total : 0, total, done: !!pending.stored[g.party] };
      }));
    } catch (e) {
      if (!mounted.current) return;
      setError(e);
      setStep('failed');
      return;
    }
    await send(pending.datasetId);
  }

  const resumeNonce = resume?.nonce;
  useEffect(() => {
    if (resume && !busy) void resumePending(resume.pending);
    // Only a new request from the list starts a resume.
  }, [resumeNonce]);

  async function freshGrants(id: string): Promise<void> {
    const renewed = await api.uploadGrants(id);
    grantsRef.current = renewed.uploads;
    for (const g of renewed.uploads) uploadersRef.current.find(u => u.party === g.party)?.setGrant(g);
  }

  async function send(id: string) {
    const halves = halvesRef.current;
    if (!halves) return;
    setError(null);
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      if (grantsRef.current.some(g => Date.parse(g.expiresAt) - Date.now() < GRANT_MARGIN_MS)) await freshGrants(id);
      setStep('probing');
      const probes = await Promise.all(grantsRef.current.map(g => probeParty(g.party, g.url, undefined, controller.signal).then(() => undefined, (e: unknown) => e)));
      const blocked = probes.filter((p): p is PartyUnreachableError => p instanceof PartyUnreachableError);
      if (!mounted.current) return;
      setUnreachable(blocked);
      if (blocked.length > 0) { setStep('blocked'); return; }
      const other = probes.find(p => p !== undefined);
      if (other) throw other;

      setStep('uploading');
      await Promise.all(uploadersRef.current.map(async (uploader, i) => {
        const party = uploader.party;
        if (storedRef.current[party]) return;
        const file = party === 0 ? halves.half0 : halves.half1;
        const run = {
          signal: controller.signal,
          onProgress: (sent: number, total: number) => {
            if (mounted.current) setParties(ps => ps.map((p, j) => (j === i ? { ...p, sent, total } : p)));
          },
          onBegun: (uploadId: string) => {
            const pending = pendingRef.current;
            if (pending) void keep({ ...pending, uploadIds: pending.uploadIds.map((u, p) => (p === party ? uploadId : u)) });
          },
        };
        try {
          await uploader.upload(file, id, run);
        } catch (e) {
          // An expired grant (401; 403 from parties before RFC 6750 challenges): get fresh ones and go on from where the party stands.
          if (!(e instanceof UploadRefusedError && (e.status === 401 || e.status === 403))) throw e;
          await freshGrants(id);
          await uploader.upload(file, id, run);
        }
        storedRef.current[party] = true;
        const pending = pendingRef.current;
        if (pending) await keep({ ...pending, stored: pending.stored.map((s, p) => s || p === party) });
        if (mounted.current) setParties(ps => ps.map((p, j) => (j === i ? { ...p, done: true, sent: p.total } : p)));
      }));
      // Both parties hold their halves: nothing is left to resume, and this browser need not keep them.
      await forget(id);
    } catch (e) {
      if (!mounted.current) return;
      if (controller.signal.aborted) { setStep('paused'); return; }
      setError(e);
      setStep('failed');
      return;
    } finally {
      abortRef.current = null;
    }
    if (!mounted.current) return;
    setStep('waiting');
    await waitUntilSettled(id);
  }

  async function waitUntilSettled(id: string) {
    const deadline = Date.now() + 120_000;
    while (mounted.current) {
      try {
        const dataset = await api.dataset(id);
        if (dataset.status === 'Ready' || dataset.status === 'Rejected') {
          setSettled(dataset);
          setStep('settled');
          onChanged();
          return;
        }
      } catch (e) {
        setError(e);
      }
      if (Date.now() > deadline) {
        setError(new Error('Both halves were sent, but the parties have not reported them yet; the table above shows when they do.'));
        setStep('settled');
        onChanged();
        return;
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }

  function resumeHere() {
    if (halvesRef.current && datasetId) void send(datasetId);
  }

  const sharingFraction = sharing && sharing.total > 0 ? sharing.done / sharing.total : 0;
  const status = step === 'checking' ? `Checking the share files${checking ? `: chunk ${checking.done} of ${checking.total}` : ''}…`
    : step === 'sharing' ? `${sharing ? PHASE_WORDS[sharing.phase] : 'Starting'}${sharing ? `: ${sharing.done} of ${sharing.total}` : ''}…`
    : step === 'registering' ? 'Registering the dataset with the platform (digests only)…'
    : step === 'probing' ? 'Checking that this browser can reach both compute servers…'
    : step === 'uploading' ? 'Sending each half straight to its compute server…'
    : step === 'paused' ? 'Paused. Resume goes on from what each server has already stored.'
    : step === 'waiting' ? 'Both halves sent; waiting for the servers to verify and report them…'
    : step === 'settled' && settled ? `Dataset ${settled.id} is ${settled.status.toLowerCase()}.`
    : '';

  return (
    <section className="card" aria-labelledby="upload-title" ref={panelRef}>
      <h3 id="upload-title">Upload a dataset</h3>
      <p className="hint">
        Your images are secret-shared in this browser: they are decoded (metadata dropped), resized to
        {' '}{project.channels}×{project.height}×{project.width}, standardised and split into two random-looking halves, and each half
        goes straight to one compute server. The platform only registers the dataset; no pixel is sent to it.
      </p>
      <form className="form-grid" onSubmit={start} aria-describedby="upload-status">
        <div className="field">
          <label htmlFor="upload-name">Name</label>
          <input id="upload-name" required maxLength={200} value={name} onChange={e => setName(e.target.value)} disabled={busy} />
        </div>
        <div className="field">
          <label htmlFor="upload-purpose">Purpose</label>
          <select id="upload-purpose" value={purpose} onChange={e => setPurpose(e.target.value as DatasetPurpose)} disabled={busy}>
            <option value="Train">Training</option>
            <option value="Test">Test</option>
          </select>
        </div>
        <fieldset className="wide" disabled={busy}>
          <legend>Images</legend>
          <div className="row">
            {([['folder', 'A folder, one sub-folder per class'], ['files', 'Image files of one class'], ['idx', 'IDX files (MNIST format)'],
              ['shares', 'Share files written earlier (imguard dataset share)']] as const).map(([value, label]) => (
              <label key={value} className="radio">
                <input type="radio" name="upload-kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                {label}
              </label>
            ))}
          </div>
          {kind === 'folder' && (
            <div className="field">
              <label htmlFor="upload-folder">Folder</label>
              <input id="upload-folder" type="file" multiple
                ref={el => { el?.setAttribute('webkitdirectory', ''); }}
                onChange={e => setFolderFiles(Array.from(e.target.files ?? []))} />
              <p className="hint">
                {folderFiles.length > 0
                  ? `${plural(folder.entries.length, 'image')} in ${plural(folder.classNames.length, 'class')} (${folder.classNames.join(', ')}).`
                  : 'PNG, JPEG or BMP files in one sub-folder per class; classes are the sub-folder names in alphabetical order.'}
              </p>
            </div>
          )}
          {kind === 'files' && (
            <div className="row">
              <div className="field">
                <label htmlFor="upload-files">Image files</label>
                <input id="upload-files" type="file" multiple accept=".png,.jpg,.jpeg,.bmp,image/png,image/jpeg,image/bmp"
                  onChange={e => setLooseFiles(Array.from(e.target.files ?? []).filter(f => isImageName(f.name)))} />
              </div>
              <div className="field">
                <label htmlFor="upload-class">Class of these images</label>
                <select id="upload-class" value={looseClass} onChange={e => setLooseClass(Number(e.target.value))}>
                  {Array.from({ length: project.classes }, (_, i) => <option key={i} value={i}>{i}</option>)}
                </select>
              </div>
            </div>
          )}
          {kind === 'idx' && (
            <div className="row">
              <div className="field">
                <label htmlFor="upload-idx-images">Images (.idx or .gz)</label>
                <input id="upload-idx-images" type="file" onChange={e => setIdxImages(e.target.files?.[0] ?? null)} />
              </div>
              <div className="field">
                <label htmlFor="upload-idx-labels">Labels (.idx or .gz)</label>
                <input id="upload-idx-labels" type="file" onChange={e => setIdxLabels(e.target.files?.[0] ?? null)} />
              </div>
              <IdxLimitField value={idxLimit} onChange={setIdxLimit} />
            </div>
          )}
          {kind === 'shares' && (
            <div className="field">
              <label htmlFor="upload-shares">Share files</label>
              <input id="upload-shares" type="file" multiple accept=".share,.json"
                onChange={e => setShareFiles(Array.from(e.target.files ?? []))} />
              <p className="hint">
                The two halves <code>&lt;id&gt;.party0.share</code> and <code>&lt;id&gt;.party1.share</code> that <code>imguard dataset share</code> wrote
                on your machine, and optionally its <code>&lt;id&gt;.standardization.json</code> (kept in this browser for test sets and inference)
                and <code>&lt;id&gt;.scaling.json</code> (what the files hold: the choice below must agree with it).
                Both files are checked here end to end (every chunk against its hash, the same dataset, shape, count and owner key)
                before anything is registered; they are sent as they are, nothing is shared again.
              </p>
            </div>
          )}
        </fieldset>
        <PixelsChoice value={scaling} onChange={setScaling} disabled={busy} premade={kind === 'shares'} />
        {purpose === 'Test' && kind !== 'shares' && scaling === 'own' && (
          <fieldset className="wide" disabled={busy}>
            <legend>Standardisation</legend>
            <p className="hint">A test set is standardised with its training set's statistics, kept in this browser when the training set was shared here (or by the CLI in <code>&lt;id&gt;.standardization.json</code>).</p>
            <div className="row">
              <div className="field">
                <label htmlFor="upload-stats">Training set</label>
                <select id="upload-stats" value={statsChoice} onChange={e => setStatsChoice(e.target.value)}>
                  <option value="">choose…</option>
                  {trainRecords.map(r => <option key={r.datasetId} value={r.datasetId}>{r.name} ({r.datasetId})</option>)}
                  <option value="import">import a .standardization.json file</option>
                </select>
              </div>
              {statsChoice === 'import' && (
                <div className="field">
                  <label htmlFor="upload-stats-file">Statistics file</label>
                  <input id="upload-stats-file" type="file" accept=".json,application/json" onChange={e => void importStats(e.target.files?.[0])} />
                </div>
              )}
            </div>
            <ErrorMessage error={importError} />
          </fieldset>
        )}
        {problem && step === 'idle' && <p className="hint wide">{problem}</p>}
        <div className="wide field buttons">
          <button type="submit" className="primary" disabled={busy || unfinished || !!problem || !name.trim()}>Share and upload</button>
          {step === 'sharing' && <button type="button" onClick={() => jobRef.current?.cancel()}>Cancel</button>}
          {step === 'uploading' && <button type="button" onClick={() => abortRef.current?.abort()}>Pause</button>}
          {(step === 'paused' || step === 'blocked' || (step === 'failed' && parties.length > 0)) && (
            <button type="button" className="primary" onClick={resumeHere}>{step === 'paused' ? 'Resume' : 'Try again'}</button>
          )}
        </div>
      </form>

      <div id="upload-status" role="status" aria-live="polite" className="upload-status">
        {status && <p>{status}</p>}
      </div>
      {step === 'sharing' && sharing && (
        <p><progress max={1} value={sharingFraction} aria-label={PHASE_WORDS[sharing.phase]} /> {formatPercent(sharingFraction)}</p>
      )}
      {parties.length > 0 && (
        <ul className="upload-parties">
          {parties.map((p, i) => {
            const grant = grantsRef.current[i];
            const fraction = p.total > 0 ? p.sent / p.total : 0;
            return (
              <li key={i}>
                <span className="upload-party">Party {grant?.party ?? i}</span>
                <progress max={1} value={fraction} aria-label={`Upload to party ${grant?.party ?? i}`} />
                {' '}{p.done ? 'stored' : `${formatPercent(fraction)} of ${megabytes(p.total)}`}
              </li>
            );
          })}
        </ul>
      )}
      {unreachable.length > 0 && (
        <div className="error" role="alert">
          <p>This browser could not connect to {unreachable.length === 2 ? 'the compute servers' : 'a compute server'}. The servers use
            certificates from this deployment's own certificate authority, which browsers do not trust by default.</p>
          <ul>
            {unreachable.map(u => (
              <li key={u.party}>Party {u.party}: <a href={new URL('health', u.url.endsWith('/') ? u.url : u.url + '/').toString()} target="_blank" rel="noreferrer">{u.url}</a></li>
            ))}
          </ul>
          <p>Either import the deployment's CA certificate (<code>&lt;data directory&gt;/pki/ca.crt</code>; ask your administrator)
            into this browser's trusted authorities, or open each link above once and accept its certificate. Then press Try again.
            The dataset is registered already; nothing is shared twice.</p>
          <p>If the certificate is trusted and this still fails, this page's address is not one the servers accept requests
            from: the administrator adds it to <code>browserOrigins</code> in the deployment's <code>imguard.json</code>.</p>
        </div>
      )}
      <ErrorMessage error={error} />
      {keepProblem && (step === 'uploading' || step === 'paused' || step === 'failed' || step === 'blocked') && (
        <p className="notice">This browser could not keep the halves for later ({keepProblem}): if this page closes before the upload ends, delete the dataset and share again.</p>
      )}
      {settled?.status === 'Rejected' && <p className="error">Rejected: {settled.rejectionReason}</p>}
      {settled && <p><StatusBadge value={settled.status} /> <code>{settled.id}</code> · {plural(settled.count, 'image')}</p>}
      {settled && !ownerKey && kind === 'shares' && !ownerKeyHere && (
        <p className="notice">These share files carry no owner key (format version 1): the dataset cannot join a training job. Share it again with a current <code>imguard</code>.</p>
      )}
      {settled && ownerKey && (
        <p className="small" data-testid="owner-key">
          {ownerKeyHere
            ? <>Bound to your signing key <code>{ownerKey}</code>, kept in this browser: the parties use this dataset only in jobs that key approves.</>
            : <>Bound to the signing key <code>{ownerKey}</code> of the device that wrote the share files: the parties use this dataset only in jobs that key approves.</>}
        </p>
      )}
      {result?.standardization && datasetId && (
        <p className="small">
          Standardisation statistics of <code>{datasetId}</code> are kept in this browser{resultPurpose === 'Test' ? ', with the true labels for your evaluation' : ''}.{' '}
          <button type="button" onClick={() => download(`${datasetId}.standardization.json`, standardizationJson(result.standardization!, result.classNames))}>
            Download statistics
          </button>
        </p>
      )}
      {result && !result.standardization && datasetId && (
        <p className="small">
          Shared as raw pixels (x/255): no statistic of yours was computed or kept{resultPurpose === 'Test' ? '; the true labels are kept in this browser for your evaluation' : ''}.
        </p>
      )}
      {failures.length > 0 && (
        <details className="upload-failures" open={failures.length <= 10}>
          <summary>{failures.length} image{failures.length === 1 ? ' was' : 's were'} skipped</summary>
          <ul>{failures.map(f => <li key={f.path}><code>{f.path}</code>: {f.reason}</li>)}</ul>
        </details>
      )}
    </section>
  );
}

/**
 * "Pixels": standardised with the owner's own statistics (the default, kept in this browser) or raw x/255 for jobs
 * with other owners, with the line that says what each means. For share files written earlier it asks what they hold.
 */
export function PixelsChoice({ value, onChange, disabled, premade }: {
  value: 'own' | 'raw'; onChange: (v: 'own' | 'raw') => void; disabled?: boolean; premade?: boolean;
}) {
  return (
    <fieldset className="wide" disabled={disabled} aria-describedby="upload-pixels-help">
      <legend>Pixels{premade ? ' in these share files' : ''}</legend>
      <div className="row">
        <label className="radio">
          <input type="radio" name="upload-pixels" value="own" checked={value === 'own'} onChange={() => onChange('own')} />
          standardised with my own statistics (default)
        </label>
        <label className="radio">
          <input type="radio" name="upload-pixels" value="raw" checked={value === 'raw'} onChange={() => onChange('raw')} />
          raw, for jobs with other owners
        </label>
      </div>
      <p className="hint" id="upload-pixels-help">
        {value === 'own'
          ? 'Each value is (pixel/255 − mean)/deviation with your own per-channel statistics, which stay in this browser: right for jobs on your data alone. '
            + 'A job with other owners cannot use it unless you later disclose those statistics.'
          : 'Each value is pixel/255 and no statistic of yours is computed or kept. A job with other owners standardises all owners\' training images '
            + 'together on the shares: the servers open only the mean and deviation per channel of the whole union.'}
        {premade && ' Say how imguard dataset share scaled these files; the platform records it with the dataset.'}
      </p>
    </fieldset>
  );
}

/** "Use only the first N images" for IDX files (the CLI's --limit); empty or 0 takes them all. */
export function IdxLimitField({ value, onChange }: { value: number; onChange: (v: number) => void }) {
  return (
    <div className="field">
      <label htmlFor="upload-idx-limit">Use only the first <span className="muted">(optional)</span></label>
      <input id="upload-idx-limit" type="number" inputMode="numeric" min={0} step={1} placeholder="all images"
        value={value > 0 ? value : ''} onChange={e => onChange(Number.isFinite(e.target.valueAsNumber) ? e.target.valueAsNumber : 0)}
        aria-describedby="upload-idx-limit-help" />
      <p className="hint" id="upload-idx-limit-help">Images, counted from the start of the file, as the CLI's <code>--limit</code>; empty shares them all.</p>
    </div>
  );
}

