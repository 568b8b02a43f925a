using System.Text.Json;

namespace Imguard.Platform.Api;

/// <summary>
/// POST /api/projects/{id}/jobs. <c>model</c>: a preset name (<c>"mlp"</c>, <c>"cnn"</c>, fitted to the project's
/// input shape and classes) or a model spec object (<c>{"input":[c,h,w],"classes":n,"layers":[…]}</c>);
/// <c>hiding</c>: <c>off</c>, <c>mixup</c> or <c>instahide</c> with <c>k</c> images per encoding;
/// <c>testEncodings</c>: T &gt; 0 evaluates the test set by "InstaHide in inference" (T encodings of each test image,
/// softmax summed; needs a test set and a hiding mode), with the image's own coefficient at least
/// <c>testOwnCoefficientMin</c>.
/// </summary>
public sealed record CreateJobRequest(
    JsonElement Model,
    string? TrainDatasetId,
    string? TestDatasetId = null,
    int Epochs = 1,
    int BatchSize = 128,
    double LearningRate = 0.05,
    double Momentum = 0.9,
    double WeightDecay = 0,
    string? Hiding = "instahide",
    int K = 4,
    bool RevealLoss = false,
    int ComparisonBits = 32,
    int TestEncodings = 0,
    double TestOwnCoefficientMin = 0);
