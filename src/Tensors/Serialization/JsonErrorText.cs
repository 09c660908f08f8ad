using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// Says in the user's words what is wrong with a JSON file that <see cref="JsonSerializer"/>
/// refused: a key whose value has the wrong type is named with what it must hold and what it
/// holds ("'generations' must be a whole number from 0 to 2,147,483,647 (got "ten")"), broken
/// syntax with its line and column, a missing required key by name. The serializer's own
/// messages name C# types and zero-based byte positions, which mean nothing to the user.
/// </summary>
public static partial class JsonErrorText
{
    private const int MaxShownValue = 40;

    /// <summary>The problem <paramref name="error"/> reports, read against the record it was to fill.</summary>
    /// <param name="error">What the serializer or parser threw.</param>
    /// <param name="target">The type being read (its property names resolve the error's path).</param>
    /// <param name="json">The text that was read, to quote the offending value; null to leave it out.</param>
    public static string Describe(JsonException error, Type target, string? json)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(target);
        string message = error.Message;
        Match missing = MissingRequired().Match(message);
        if (missing.Success)
        {
            return $"lacks the required key {missing.Groups[1].Value.TrimEnd('.')}";
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal) && error.Path is { } path)
        {
            string key = path.TrimStart('$').TrimStart('.');
            if (key.Length == 0)
            {
                return $"expected {Expected(target)} at the top level";
            }

            Type? type = Resolve(target, key);
            string expected = type is null ? "a value of another type" : Expected(type);
            string? raw = json is null ? null : Raw(json, key);
            if (type is not null && raw is not null)
            {
                expected = Expected(type, raw);
            }

            string got = raw is null ? string.Empty : raw.Length <= MaxShownValue ? $" (got {raw})" : $" (got {raw[..MaxShownValue]}…)";
            return $"key '{key}' must be {expected}{got}";
        }

        return Syntax(error);
    }

    /// <summary>Broken JSON syntax: the parser's sentence without its internal suffixes, and where (1-based line and column).</summary>
    public static string Syntax(JsonException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = error.Message;
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the file is empty (no JSON in it)";
        }

        int cut = IndexOfAny(message, " Path: ", " LineNumber: ", " | LineNumber");
        string core = (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
        string where = error.LineNumber is long line
            ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, column {(error.BytePositionInLine ?? 0) + 1}")
            : string.Empty;
        return $"not valid JSON{where}: {core}";
    }

    /// <summary>What a value of <paramref name="type"/> looks like, in words.</summary>
    public static string Expected(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long))
        {
            return "a whole number";
        }

        if (type == typeof(float) || type == typeof(double))
        {
            return "a number";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(string))
        {
            return "a string in quotes";
        }

        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"\"{JsonNamingPolicy.CamelCase.ConvertName(n)}\""));
        }

        if (Element(type) is Type element)
        {
            return $"a list [...] of {Plural(Expected(element))}";
        }

        return "an object { ... }";
    }

    /// <summary>
    /// What a value of <paramref name="type"/> looks like, with the type's range when
    /// <paramref name="value"/> is a whole number beyond it (the only way it can be wrong then).
    /// </summary>
    public static string Expected(Type type, string value)
    {
        ArgumentNullException.ThrowIfNull(type);
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        bool whole = System.Numerics.BigInteger.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        return (plain, whole) switch
        {
            (_, false) => Expected(type),
            _ when plain == typeof(int) => "a whole number from -2,147,483,648 to 2,147,483,647",
            _ when plain == typeof(long) => string.Create(CultureInfo.InvariantCulture, $"a whole number from {long.MinValue:N0} to {long.MaxValue:N0}"),
            _ => Expected(type),
        };
    }

    private static string Plural(string expected) => expected switch
    {
        "a whole number" => "whole numbers",
        "a number" => "numbers",
        "a string in quotes" => "strings in quotes",
        _ => expected,
    };

    /// <summary>The type at a dotted path (<c>cppn.weightRange</c>, <c>input_shape[1]</c>) below <paramref name="root"/>.</summary>
    private static Type? Resolve(Type root, string path)
    {
        Type? type = root;
        foreach (string segment in path.Split('.'))
        {
            string name = segment;
            int indices = 0;
            while (name.EndsWith(']') && name.LastIndexOf('[') is int open && open >= 0)
            {
                name = name[..open];
                indices++;
            }

            type = type is null || name.Length == 0 ? type : Property(type, name)?.PropertyType;
            for (int i = 0; i < indices && type is not null; i++)
            {
                type = Element(type);
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private static PropertyInfo? Property(Type type, string jsonName) =>
        (Nullable.GetUnderlyingType(type) ?? type).GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name).Equals(jsonName, StringComparison.OrdinalIgnoreCase)
            || JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == jsonName);

    private static Type? Element(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type != typeof(string) && type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is Type enumerable)
        {
            return enumerable.GetGenericArguments()[0];
        }

        return null;
    }

    /// <summary>The JSON text of the value at <paramref name="path"/>; null when it cannot be found.</summary>
    private static string? Raw(string json, string path)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            JsonElement at = doc.RootElement;
            foreach (Match part in PathPart().Matches(path))
            {
                if (part.Groups["name"].Success)
                {
                    if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(part.Groups["name"].Value, out at))
                    {
                        return null;
                    }
                }
                else
                {
                    int index = int.Parse(part.Groups["index"].Value, CultureInfo.InvariantCulture);
                    if (at.ValueKind != JsonValueKind.Array || index >= at.GetArrayLength())
                    {
                        return null;
                    }

                    at = at[index];
                }
            }

            return at.GetRawText();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int IndexOfAny(string text, params string[] needles) =>
        needles.Select(n => text.IndexOf(n, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();

    [GeneratedRegex(@"missing required properties including: (.*)$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>\d+)\]")]
    private static partial Regex PathPart();
}
