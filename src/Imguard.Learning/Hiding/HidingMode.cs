// What: the three training-data hiding modes of the plaintext InstaHide reference.
// Source: docs spec.md §6 (`--mode instahide` vs `--mode mixup` in R1 train_inside.py) and §7 (vanilla training).
namespace Imguard.Learning.Hiding;

/// <summary>How training images are hidden before the network sees them (spec.md §6, §7).</summary>
public enum HidingMode
{
    /// <summary>Vanilla training: K = 1, λ = [1], each image is its own partner, no mask (the encoding is the identity).</summary>
    Off = 0,

    /// <summary>k-image mixup: λ-weighted sum of the image and K−1 partners, soft labels, no sign mask (R1 `--mode mixup`).</summary>
    Mixup = 1,

    /// <summary>Mixup followed by an i.i.d. ±1 sign per scalar, drawn afresh every epoch (R1 `--mode instahide`, spec.md §6).</summary>
    InstaHide = 2,
}
