using System.CommandLine;
using Imguard.Contracts.Datasets;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>--scaling raw|own</c> of <c>dataset share</c> and <c>dataset upload</c> (docs/multi-owner.md, "One standardisation
/// for the union"): what the owner's client does to the pixels before sharing them.
/// </summary>
internal sealed class ScalingOption
{
    public Option<string?> Option { get; } = new("--scaling")
    {
        Description = $"{PixelScalings.Raw} or {PixelScalings.Own} (default {PixelScalings.Own}). {PixelScalings.Raw}: share x/255 only — no statistic of your " +
            "images is computed or kept; this is what an owner shares for a job with other owners, whose parties standardise over the union of " +
            "all owners' training sets on shares (opening one mean and one deviation per channel of all images together). " +
            $"{PixelScalings.Own}: standardise with this dataset's own statistics, kept in the owner folder (a job on your data alone; " +
            "it joins a job with other owners only if you disclose them: `imguard dataset disclose`).",
    };

    /// <summary>The scaling the user named, or null when the option was not given.</summary>
    public PixelScaling? Read(ParseResult parse) => parse.GetValue(Option) switch
    {
        null => null,
        PixelScalings.Raw => PixelScaling.Raw,
        PixelScalings.Own => PixelScaling.Own,
        var other => throw new ArgumentException($"--scaling is {PixelScalings.Raw} or {PixelScalings.Own}, not '{other}'."),
    };
}
