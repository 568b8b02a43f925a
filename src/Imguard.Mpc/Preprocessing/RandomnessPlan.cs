namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// The correlated randomness a computation will consume, in order. A layer or protocol knows its needs from shapes
/// alone, so a whole job's plan is known before its online phase; the offline phase produces it up front.
/// </summary>
public sealed class RandomnessPlan
{
    private readonly List<RandomnessRequest> _requests = [];

    public IReadOnlyList<RandomnessRequest> Requests => _requests;

    public RandomnessPlan Add(RandomnessRequest request)
    {
        request.Validate();
        _requests.Add(request);
        return this;
    }

    public RandomnessPlan AddRange(IEnumerable<RandomnessRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var r in requests)
        {
            Add(r);
        }
        return this;
    }

    public RandomnessPlan Repeat(int times)
    {
        var once = _requests.ToArray();
        for (int i = 1; i < times; i++)
        {
            _requests.AddRange(once);
        }
        return this;
    }
}
