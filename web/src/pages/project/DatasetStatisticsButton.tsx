import { statisticsFile, type KeyValueStore } from '../../lib/ownerVault';
import { saveFile } from '../../lib/saveFile';

/**
 * "Download statistics" on a dataset row, at any time after the upload: the standardisation (and class names) this
 * browser kept when the dataset was shared here, as the CLI's `<id>.standardization.json`, for a test set or inference
 * from the CLI or another browser. Nothing when this browser does not hold them (the platform never has them).
 */
export function DatasetStatisticsButton({ datasetId, name, kv }: { datasetId: string; name: string; kv?: KeyValueStore }) {
  const file = statisticsFile(datasetId, kv);
  if (!file) return null;
  return (
    <button type="button" className="small" aria-label={`Download statistics of ${name}`}
      title="The standardisation statistics and class names kept in this browser, as a .standardization.json file"
      onClick={() => saveFile(file.text, file.name, 'application/json')}>
      Download statistics
    </button>
  );
}
