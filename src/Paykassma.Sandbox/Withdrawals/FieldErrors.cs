using System.Collections;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>
/// Problems per field, in the order found, as Laravel's validator reports them (and the gateway answers
/// them): <c>{"field":["The field …."]}</c>. Every field is checked, so one answer names all there is to fix.
/// </summary>
internal sealed class FieldErrors : IEnumerable<KeyValuePair<string, List<string>>>
{
    private readonly OrderedDictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors.Add(field, messages = []);
        }

        messages.Add(message);
    }

    public static FieldErrors Of(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return errors;
    }

    public IEnumerator<KeyValuePair<string, List<string>>> GetEnumerator() => _errors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
