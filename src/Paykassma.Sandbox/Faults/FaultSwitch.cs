using System.Text.Json.Serialization;

namespace Paykassma.Sandbox.Faults;

public enum FaultMode
{
    /// <summary>The gateway behaves normally.</summary>
    None,

    /// <summary>Every gateway call answers 503, and nothing is received or recorded.</summary>
    Down,

    /// <summary>Every gateway call is handled as usual, then its answer is held back for a while.</summary>
    Stall,

    /// <summary>Every gateway call answers <c>{"status":"fail"}</c> without being handled.</summary>
    Refuse,

    /// <summary>
    /// Every valid withdrawal is refused for lack of balance, as when the merchant's account runs dry;
    /// other calls behave normally (they move no money out).
    /// </summary>
    [JsonStringEnumMemberName("insufficient_balance")]
    InsufficientBalance,

    /// <summary>
    /// Every gateway call is handled as usual (recorded, postbacks follow), then answered HTTP 500: a
    /// gateway that did the work and crashed before it could say so.
    /// </summary>
    Crash,
}

/// <summary>The names people type for each mode (snake_case, like the gateway's own field names).</summary>
public static class FaultModes
{
    public static readonly IReadOnlyDictionary<string, FaultMode> ByName = new Dictionary<string, FaultMode>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = FaultMode.None,
        ["down"] = FaultMode.Down,
        ["stall"] = FaultMode.Stall,
        ["refuse"] = FaultMode.Refuse,
        ["insufficient_balance"] = FaultMode.InsufficientBalance,
        ["crash"] = FaultMode.Crash,
    };

    public static string Names => string.Join(", ", ByName.Keys);
}

/// <summary>A fault in force: which, until when (<c>null</c>: until switched off), and its parameters.</summary>
public sealed record FaultState(FaultMode Mode, DateTimeOffset? Until, TimeSpan StallFor, string Message)
{
    public const string DefaultRefuseMessage = "Payment method is temporarily unavailable";

    public static readonly FaultState None = new(FaultMode.None, null, TimeSpan.Zero, "");
}

/// <summary>
/// The fault that all gateway calls suffer at the moment. Process-wide on purpose: it plays an outage
/// of the whole gateway, as seen by every client at once.
/// </summary>
public sealed class FaultSwitch(TimeProvider time)
{
    // Replaced whole, never mutated: readers need no lock to see a consistent mode and parameters.
    private volatile FaultState _state = FaultState.None;

    public FaultState Current
    {
        get
        {
            var state = _state;
            return state.Until is { } until && time.GetUtcNow() >= until ? FaultState.None : state;
        }
    }

    public FaultState Set(FaultMode mode, TimeSpan? duration, TimeSpan stallFor, string? message)
    {
        _state = mode == FaultMode.None
            ? FaultState.None
            : new FaultState(mode, time.GetUtcNow() + duration, stallFor, message ?? FaultState.DefaultRefuseMessage);
        return _state;
    }
}
