using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Configuration;

/// <summary>
/// Reads a JSON configuration into a record, refusing keys the record does not have: a typo
/// in a config key must stop the run with the list of valid keys, not be silently ignored.
/// </summary>
public static class StrictJson
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Options used for reading and writing configurations (camelCase, comments allowed).</summary>
    public static JsonSerializerOptions Options => s_options;

    /// <summary>The JSON key of every settable property of <typeparamref name="T"/>, sorted.</summary>
    public static IReadOnlyList<string> Keys<T>() => Keys(typeof(T));

    /// <summary>Reads <paramref name="path"/>; errors name the file and the problem.</summary>
    /// <exception cref="ConfigException">Missing file, bad JSON, unknown key, or wrong value type.</exception>
    public static T Read<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException(path, "configuration file not found");
        }

        return Parse<T>(File.ReadAllText(path), path);
    }

    /// <summary>Parses configuration text; <paramref name="source"/> names it in errors.</summary>
    public static T Parse<T>(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ConfigException(source, JsonErrorText.Syntax(ex));
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(source, "expected a JSON object at the top level");
            }

            CheckKeys(doc.RootElement, typeof(T), source, string.Empty);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, s_options) ?? throw new ConfigException(source, "empty configuration");
        }
        catch (JsonException ex)
        {
            throw new ConfigException(source, JsonErrorText.Describe(ex, typeof(T), json));
        }
    }

    /// <summary>
    /// Refuses keys <paramref name="type"/> does not have, descending into nested sections
    /// (properties whose type is itself a configuration record).
    /// </summary>
    private static void CheckKeys(JsonElement element, Type type, string source, string path)
    {
        IReadOnlyList<string> valid = Keys(type);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string key = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
            PropertyInfo? info = Property(type, property.Name);
            if (info is null)
            {
                string where = path.Length == 0 ? string.Empty : $" in '{path}'";
                throw new ConfigException(source, $"unknown key '{key}'{where}; valid keys: {string.Join(", ", valid)}");
            }

            if (property.Value.ValueKind == JsonValueKind.Null && !MayBeNull(info))
            {
                throw new ConfigException(source, $"key '{key}' must be {JsonErrorText.Expected(info.PropertyType)}, not null");
            }

            if (property.Value.ValueKind == JsonValueKind.Object && IsSection(info.PropertyType))
            {
                CheckKeys(property.Value, info.PropertyType, source, key);
            }
        }
    }

    /// <summary>Whether the record declares <paramref name="info"/> nullable; a null elsewhere would surface later as a crash.</summary>
    private static bool MayBeNull(PropertyInfo info) =>
        Nullable.GetUnderlyingType(info.PropertyType) is not null
        || (!info.PropertyType.IsValueType && new NullabilityInfoContext().Create(info).WriteState == NullabilityState.Nullable);

    private static IReadOnlyList<string> Keys(Type type) =>
        Settable(type).Select(JsonName).Order(StringComparer.Ordinal).ToArray();

    private static PropertyInfo? Property(Type type, string jsonName) =>
        Settable(type).FirstOrDefault(p => JsonName(p) == jsonName);

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static string JsonName(PropertyInfo p) =>
        p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    /// <summary>A nested configuration section: a class of our own, not a string or a collection.</summary>
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    /// <summary>Writes a configuration as indented camelCase JSON.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, s_options);
}
