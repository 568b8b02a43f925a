using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// SHA-256 of a job description without its attempt number: what the two parties compare over the peer link before
/// they train, so that a party given other hyper-parameters or another model than its peer stops instead of computing
/// garbage. The description is public, so its digest is too.
/// </summary>
public static class JobDescriptionDigest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Compute(JobDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        // The record serialises its properties in declaration order, so equal descriptions give equal bytes.
        byte[] canonical = JsonSerializer.SerializeToUtf8Bytes(description with { Attempt = 0 }, Json);
        byte[] tag = Encoding.ASCII.GetBytes("imguard-job-description-v1\n");
        return SHA256.HashData([.. tag, .. canonical]);
    }
}
