using Npgsql;

namespace Paykassma.Merchant.Api.Persistence;

/// <summary>
/// Positional parameters generated from names, for a statement whose text is assembled once from
/// fragments: the SQL says <c>{p["received_at"]}</c> and gets <c>$n</c>, numbered in order of first
/// use, and binding adds each name's value in that same order. No one writes or renumbers <c>$n</c> by
/// hand, and the statement keeps the positional form that Npgsql sends without re-parsing the text
/// on every call (ADR 0002).
/// </summary>
internal sealed class StatementParameters<TContext>
{
    private readonly List<string> _names = [];
    private readonly IReadOnlyDictionary<string, Func<TContext, NpgsqlParameter>> _binders;

    /// <param name="binders">How each name is bound from the call's context; a statement may use any subset.</param>
    public StatementParameters(IReadOnlyDictionary<string, Func<TContext, NpgsqlParameter>> binders) => _binders = binders;

    /// <summary>The placeholder for <paramref name="name"/>: the same <c>$n</c> however often it is used.</summary>
    public string this[string name]
    {
        get
        {
            if (!_binders.ContainsKey(name))
            {
                throw new ArgumentException($"No binder for the statement parameter '{name}'.", nameof(name));
            }
            var index = _names.IndexOf(name);
            if (index < 0)
            {
                _names.Add(name);
                index = _names.Count - 1;
            }
            return "$" + (index + 1);
        }
    }

    /// <summary>The names in placeholder order ($1 first).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Adds the statement's parameters, each bound from <paramref name="context"/>, in placeholder order.</summary>
    public void Bind(NpgsqlParameterCollection parameters, TContext context)
    {
        foreach (var name in _names)
        {
            parameters.Add(_binders[name](context));
        }
    }
}
