namespace Paykassma.Sandbox.Gateway;

/// <summary>Holds an answer back to play a gateway that is slower than the client's timeout.</summary>
internal static class Stall
{
    /// <returns><c>false</c> when the caller hung up meanwhile: there is no one left to answer.</returns>
    public static async Task<bool> HoldAsync(TimeSpan duration, TimeProvider time, CancellationToken requestAborted)
    {
        try
        {
            await Task.Delay(duration, time, requestAborted);
            return true;
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            // A client giving up is the very case a stall exists for, not an error to log.
            return false;
        }
    }
}
