using System.Text.Json;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// POST /api/projects/{id}/jobs. <c>model</c>: a preset name (<c>"mlp"</c>, <c>"cnn"</c>, fitted to the project's
/// input shape and classes) or a model spec object (<c>{"input":[c,h,w],"classes":n,"layers":[…]}</c>);
/// <c>hiding</c>: <c>off</c>, <c>mixup</c> or <c>instahide</c> with <c>k</c> images per encoding (a preset starts with
/// |x| under InstaHide); a field left out gets <see cref="JobDefaults"/>' value;
/// <c>testEncodings</c>: T &gt; 0 evaluates the test set by "InstaHide in inference" (T encodings of each test image,
/// softmax summed; needs a test set and a hiding mode), with the image's own coefficient at least
/// <c>testOwnCoefficientMin</c>; <c>schedule</c>: the learning rate over the run, <c>cosine</c> (the default),
/// <c>constant</c> or <c>step:EVERY:GAMMA</c>; <c>additionalTrainDatasetIds</c>: further Ready training datasets of
/// the project (other owners' too; same shape and classes), trained on as one union; <c>recipients</c>: the user names
/// that receive the model (default: the job's creator), each with a registered signing key. The job waits in
/// AwaitingApproval until every dataset owner and every recipient has signed its consent terms. One record for both ends: the platform binds it, the owner's client
/// (<c>imguard train</c>) sends it, so a new field cannot reach one and not the other.
/// </summary>
public sealed record CreateJobRequest(
    JsonElement Model,
    string? TrainDatasetId,
    string? TestDatasetId = null,
    int Epochs = JobDefaults.Epochs,
    int BatchSize = JobDefaults.BatchSize,
    double LearningRate = JobDefaults.LearningRate,
    double Momentum = JobDefaults.Momentum,
    double WeightDecay = 0,
    string? Hiding = JobDefaults.Hiding,
    int K = JobDefaults.K,
    bool RevealLoss = false,
    int ComparisonBits = 32,
    int TestEncodings = 0,
    double TestOwnCoefficientMin = 0,
    string? Schedule = JobDefaults.Schedule,
    IReadOnlyList<string>? AdditionalTrainDatasetIds = null,
    IReadOnlyList<string>? Recipients = null);
