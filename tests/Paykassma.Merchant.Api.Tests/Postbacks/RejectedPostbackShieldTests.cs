using System.Net;
using Microsoft.Extensions.Options;
using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Postbacks;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>What a flood of junk postbacks may write: a count per source, and bytes from all sources together.</summary>
public sealed class RejectedPostbackShieldTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (RejectedPostbackShield Shield, ManualClock Clock) Shield(int perSource = 60, int bytesPerMinute = 256 * 1024)
    {
        var clock = new ManualClock();
        var shield = new RejectedPostbackShield(
            Options.Create(new RateLimitOptions { RejectedPostbacksRecordedPerSourcePerMinute = perSource }),
            Options.Create(new PostbackOptions { RejectedBytesPerMinute = bytesPerMinute }),
            clock);
        return (shield, clock);
    }

    [Fact]
    public void Addresses_rotated_without_end_write_no_more_than_the_bytes_budget_a_minute()
    {
        var (shield, clock) = Shield(perSource: 60, bytesPerMinute: 100 * 1024);
        var cost = 4096 + RejectedPostbackShield.RowOverheadBytes;

        var recorded = Enumerable.Range(0, 5000).Count(i => shield.ShouldRecord(IPAddress.Parse($"10.{i / 65536}.{i / 256 % 256}.{i % 256}"), 4096));

        Assert.Equal(100 * 1024 / cost, recorded);
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.True(shield.ShouldRecord(IPAddress.Parse("10.0.0.1"), 4096), "a new minute starts a new budget");
    }

    [Fact]
    public void One_source_is_held_to_its_count_a_minute()
    {
        var (shield, clock) = Shield(perSource: 3);
        var source = IPAddress.Parse("203.0.113.7");

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => shield.ShouldRecord(source, 10)));
        Assert.True(shield.ShouldRecord(IPAddress.Parse("203.0.113.8"), 10), "another source has its own count");
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.True(shield.ShouldRecord(source, 10));
    }

    [Fact]
    public void Every_address_of_one_IPv6_64_is_one_source()
    {
        var (shield, _) = Shield(perSource: 5);

        var recorded = Enumerable.Range(0, 50).Count(i => shield.ShouldRecord(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"), 10));

        Assert.Equal(5, recorded);
        Assert.True(shield.ShouldRecord(IPAddress.Parse("2001:db8:1:3::1"), 10), "another /64 is another source");
        Assert.Equal("2001:db8:1:2::/64", RejectedPostbackShield.SourceKey(IPAddress.Parse("2001:db8:1:2:ffff:1:2:3")));
        Assert.Equal("192.0.2.1", RejectedPostbackShield.SourceKey(IPAddress.Parse("::ffff:192.0.2.1")));
    }

    [Fact]
    public void Past_its_bound_the_source_map_stops_growing_and_the_bytes_budget_still_holds()
    {
        var (shield, _) = Shield(perSource: 1, bytesPerMinute: int.MaxValue);

        for (var i = 0; i < RejectedPostbackShield.MaxSourcesTracked + 500; i++)
        {
            Assert.True(shield.ShouldRecord(IPAddress.Parse($"10.{i / 65536}.{i / 256 % 256}.{i % 256}"), 0));
        }

        // Sources past the map's bound are not tracked (they meet only the bytes budget): memory is bounded.
        var untracked = IPAddress.Parse($"10.{(RejectedPostbackShield.MaxSourcesTracked + 1) / 65536}.{(RejectedPostbackShield.MaxSourcesTracked + 1) / 256 % 256}.{(RejectedPostbackShield.MaxSourcesTracked + 1) % 256}");
        Assert.True(shield.ShouldRecord(untracked, 0));
        Assert.False(shield.ShouldRecord(IPAddress.Parse("10.0.0.0"), 0), "a tracked source keeps its count");
    }
}
