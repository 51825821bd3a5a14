<?php
// The PHP side of the live differential test (PhpDifferentialTests): writes the hand-picked edge cases,
// then <count> random values from the shared generator seeded with <seed>, each as PHP's json_encode
// writes it. A first line "# PHP <version>", then one line per value: its name, then base64 of the
// encoding with no flags (the legacy signature), with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
// (the current signature) and with JSON_PRETTY_PRINT, separated by spaces. Base64 hands the bytes over
// untouched.
// Run: php -d display_errors=stderr -d serialize_precision=-1 tests/php-crosscheck/differential.php <seed> <count>

declare(strict_types=1);

require __DIR__ . '/random-values.php';

if ($argc !== 3 || !ctype_digit($argv[1]) || !ctype_digit($argv[2])) {
    fwrite(STDERR, "usage: php differential.php <seed> <count>\n");
    exit(2);
}

// Another setting would change every float spelling; the gateway runs with PHP's default of -1.
if (ini_get('serialize_precision') !== '-1') {
    fwrite(STDERR, 'serialize_precision is ' . ini_get('serialize_precision') . ", not -1: pass -d serialize_precision=-1\n");
    exit(2);
}

// The deepest value json_encode accepts by default: 512 levels, lists and objects in turn. One level
// more and PHP fails, as PhpJson does; the gateway cannot have signed anything deeper.
function deepestValue()
{
    $value = 'bottom';
    for ($level = 1; $level <= 512; $level++) {
        $value = $level % 2 === 0 ? (object)["level$level" => $value] : [$value];
    }
    return $value;
}

function writeCase(string $name, $value): void
{
    echo $name, ' ', base64_encode(encode($value, 0)), ' ', base64_encode(encode($value, SIGNING_FLAGS)),
        ' ', base64_encode(encode($value, JSON_PRETTY_PRINT)), "\n";
}

echo '# PHP ', PHP_VERSION, "\n";
mt_srand((int)$argv[1]);
$count = (int)$argv[2];

foreach (edgeCaseValues() as $name => $value) {
    writeCase("edge-$name", $value);
}
writeCase('edge-deepest', deepestValue());
for ($i = 0; $i < $count; $i++) {
    writeCase("random-$i", randomDocument());
}
