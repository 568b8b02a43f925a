namespace Imguard.Learning.Training;

/// <summary>Where a trainer's batches come from: per epoch a fresh encoding (InstaHide, mixup or none) in batches.</summary>
public interface IBatchSource<T> where T : class
{
    /// <summary>Prepares epoch <paramref name="epoch"/> and returns its number of batches.</summary>
    ValueTask<int> BeginEpochAsync(int epoch, CancellationToken cancellationToken);

    /// <summary>Batch <paramref name="batch"/> of the current epoch: inputs B×C×H×W and soft labels B×classes.</summary>
    ValueTask<(T Inputs, T SoftLabels)> BatchAsync(int batch, CancellationToken cancellationToken);
}
