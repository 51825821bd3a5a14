using System.Diagnostics;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Idempotency;

namespace Paykassma.Merchant.Api.Tests.Idempotency;

/// <summary>A repeat wakes when the first request with its key ends here, and looks again on a back-off when it runs elsewhere.</summary>
public sealed class FirstRequestWaitTests
{
    private static FirstRequestWaiter Waiter(TimeSpan wait) =>
        new(Options.Create(new IdempotencyOptions { Wait = wait }), TimeProvider.System);

    [Fact]
    public async Task A_repeat_wakes_as_soon_as_the_first_request_here_ends()
    {
        var waiter = Waiter(TimeSpan.FromSeconds(20));
        var first = waiter.Run("deposit|alice|k1");
        var wait = waiter.Start("deposit|alice|k1");
        var clock = Stopwatch.StartNew();

        var woken = wait.NextPollAsync(CancellationToken.None);
        await Task.Delay(1500);
        Assert.False(woken.IsCompleted); // No poll interval ends this wait: only the first request does.
        first.Dispose();

        Assert.True(await woken);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(1500), TimeSpan.FromMilliseconds(2500));
    }

    [Fact]
    public async Task A_repeat_stays_asleep_while_a_second_request_with_the_key_still_runs_here()
    {
        var waiter = Waiter(TimeSpan.FromSeconds(20));
        var first = waiter.Run("k");
        var second = waiter.Run("k");
        var woken = waiter.Start("k").NextPollAsync(CancellationToken.None);

        first.Dispose();
        first.Dispose(); // twice: counted once
        await Task.Delay(300);
        Assert.False(woken.IsCompleted);
        second.Dispose();

        Assert.True(await woken);
    }

    [Fact]
    public async Task Without_a_first_request_here_a_repeat_looks_again_on_a_back_off_until_the_wait_is_over()
    {
        var waiter = Waiter(TimeSpan.FromSeconds(2));
        var wait = waiter.Start("elsewhere");
        var clock = Stopwatch.StartNew();

        var looks = 0;
        while (await wait.NextPollAsync(CancellationToken.None))
        {
            looks++;
        }

        // 100, 200, 400, 800 ms, then what is left of 2 s: five looks, where a 100 ms poll made twenty.
        Assert.InRange(looks, 4, 6);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_repeat_of_a_request_without_a_key_marks_and_waits_on_nothing()
    {
        var waiter = Waiter(TimeSpan.FromMilliseconds(200));
        using (waiter.Run(null))
        {
            var wait = waiter.Start(null);
            var clock = Stopwatch.StartNew();
            while (await wait.NextPollAsync(CancellationToken.None))
            {
            }
            Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2));
        }
    }
}
