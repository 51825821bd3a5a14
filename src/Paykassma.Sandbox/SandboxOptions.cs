using System.ComponentModel.DataAnnotations;

namespace Paykassma.Sandbox;

/// <summary>Settings of the sandbox gateway, bound from the <c>Sandbox</c> configuration section.</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandbox";

    /// <summary>The <c>pluginapi_secret</c> every gateway call must carry as <c>?secret=</c>.</summary>
    [Required(ErrorMessage = "Sandbox:Secret is required (the pluginapi_secret callers must send).")]
    public string Secret { get; set; } = "";

    /// <summary>The only wallet type the sandbox serves (the real gateway serves one per merchant account here).</summary>
    [Required(ErrorMessage = "Sandbox:WalletType is required.")]
    public string WalletType { get; set; } = "bnb_ml";

    [Required(ErrorMessage = "Sandbox:Currency is required.")]
    [StringLength(3, MinimumLength = 3, ErrorMessage = "Sandbox:Currency must be a 3-letter code.")]
    public string Currency { get; set; } = "BTN";

    /// <summary>The <c>Account name</c> handed out with the requisites.</summary>
    [Required(ErrorMessage = "Sandbox:AccountName is required.")]
    public string AccountName { get; set; } = "Sandbox Merchant";

    /// <summary>
    /// Extra requisites appended after the known ones, e.g. <c>"Bank name": "Bank of Bhutan"</c>:
    /// the gateway's params keys differ per method, and clients must keep keys they do not know.
    /// </summary>
    public Dictionary<string, string> ExtraParams { get; set; } = [];

    /// <summary>How long a stall holds the answer (magic values and the default of the stall fault).</summary>
    [Range(0, 3600, ErrorMessage = "Sandbox:StallSeconds must be between 0 and 3600.")]
    public double StallSeconds { get; set; } = 30;

    /// <summary>
    /// HTTP status of <c>{"status":"fail"}</c> answers. The gateway does not document it; 200 is what
    /// PHP gateways of this family usually send, and a client must read the body either way.
    /// </summary>
    [Range(200, 599, ErrorMessage = "Sandbox:FailHttpStatus must be an HTTP status code (200-599).")]
    public int FailHttpStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>Largest screenshot accepted; 20 MB is what a sister gateway on the same engine allows.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Sandbox:MaxScreenshotBytes must be positive.")]
    public long MaxScreenshotBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Benchmarks switch this off so thousands of proofs do not keep their screenshots in memory.</summary>
    public bool KeepScreenshotBytes { get; set; } = true;

    public TimeSpan StallDuration => TimeSpan.FromSeconds(StallSeconds);

    internal static readonly string[] KnownParamKeys = ["Wallet number", "Account name", "is_check_amount"];
}
