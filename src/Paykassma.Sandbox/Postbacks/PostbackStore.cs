using Microsoft.Extensions.Options;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// The postbacks built, newest last, in memory and bounded: a sandbox left running for days keeps the
/// latest Sandbox:PostbackHistoryLimit of them. A forgotten postback that is still pending goes on being
/// resent; it just is no longer listed.
/// </summary>
public sealed class PostbackStore(IOptions<PostbackOptions> options)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<PostbackRecord> _byAge = new();
    private readonly Dictionary<long, LinkedListNode<PostbackRecord>> _byId = [];
    private readonly int _limit = options.Value.PostbackHistoryLimit;
    private long _lastId;

    /// <summary>Ids grow with time, so they also order the postbacks (two can share a clock reading).</summary>
    internal long NextId() => Interlocked.Increment(ref _lastId);

    internal void Add(PostbackRecord record)
    {
        lock (_lock)
        {
            _byId[record.Facts.Id] = _byAge.AddLast(record);
            while (_byAge.Count > _limit)
            {
                _byId.Remove(_byAge.First!.Value.Facts.Id);
                _byAge.RemoveFirst();
            }
        }
    }

    public PostbackRecord? Find(long id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Value : null;
        }
    }

    public PostbackRecord? Newest()
    {
        lock (_lock)
        {
            return _byAge.Last?.Value;
        }
    }

    /// <summary>Newest first; only those for <paramref name="customTransactionId"/> / <paramref name="withdrawalId"/> when given.</summary>
    public IReadOnlyList<PostbackRecord> List(string? customTransactionId = null, string? withdrawalId = null)
    {
        lock (_lock)
        {
            return _byAge.Reverse()
                .Where(record => customTransactionId is null
                    || string.Equals(record.Facts.CustomTransactionId, customTransactionId, StringComparison.Ordinal))
                .Where(record => withdrawalId is null
                    || string.Equals(record.Facts.WithdrawalId, withdrawalId, StringComparison.Ordinal))
                .ToArray();
        }
    }

    /// <summary>Forgets the list; postbacks still pending go on being resent.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _byAge.Clear();
            _byId.Clear();
        }
    }
}
