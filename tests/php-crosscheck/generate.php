<?php
// Generates the fixtures that let the .NET tests compare PhpJson and the postback verifier with real
// PHP json_encode, without needing PHP at test time. Deterministic: the same PHP version writes the
// same files. Run: php tests/php-crosscheck/generate.php (from the repository root).

declare(strict_types=1);

const SEED = 20260127;
const CORPUS_SIZE = 400;
const FLAG_COMBINATIONS = [
    0,
    JSON_UNESCAPED_SLASHES,
    JSON_UNESCAPED_UNICODE,
    JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE,
    JSON_PRETTY_PRINT,
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES,
    JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE,
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE,
];
const SIGNING_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;

$fixtures = __DIR__ . '/../Paykassma.PluginApi.Tests/Fixtures';
mt_srand(SEED);

function utf8(int $codePoint): string
{
    if ($codePoint < 0x80) {
        return chr($codePoint);
    }
    if ($codePoint < 0x800) {
        return chr(0xC0 | ($codePoint >> 6)) . chr(0x80 | ($codePoint & 0x3F));
    }
    if ($codePoint < 0x10000) {
        return chr(0xE0 | ($codePoint >> 12)) . chr(0x80 | (($codePoint >> 6) & 0x3F)) . chr(0x80 | ($codePoint & 0x3F));
    }
    return chr(0xF0 | ($codePoint >> 18)) . chr(0x80 | (($codePoint >> 12) & 0x3F))
        . chr(0x80 | (($codePoint >> 6) & 0x3F)) . chr(0x80 | ($codePoint & 0x3F));
}

function pick(array $choices)
{
    return $choices[mt_rand(0, count($choices) - 1)];
}

function randomCharacter(): string
{
    switch (mt_rand(0, 13)) {
        case 0: return chr(mt_rand(0x00, 0x1F));
        case 1: return "\x7F";
        case 2: return pick(['/', '"', '\\', '<', '>', '&', "'", '+', '%', '\\u', '\\/', '//', ' ']);
        case 3:
        case 4:
        case 5: return chr(mt_rand(0x20, 0x7E));
        case 6: return utf8(mt_rand(0x80, 0x7FF));
        case 7:
            do {
                $codePoint = mt_rand(0x800, 0xFFFF);
            } while ($codePoint >= 0xD800 && $codePoint <= 0xDFFF);
            return utf8($codePoint);
        case 8: return utf8(mt_rand(0x0F00, 0x0FDA));
        case 9: return utf8(pick([0x2028, 0x2029]));
        case 10: return utf8(mt_rand(0x10000, 0x10FFFF));
        case 11: return utf8(mt_rand(0x1F300, 0x1FAFF));
        case 12: return utf8(pick([0x80, 0xA0, 0xAD, 0x200B, 0x200D, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0xE000, 0x10FFFF, 0x1F1E7, 0x1F1F9]));
        default: return pick(["\n", "\r", "\t", "\x08", "\x0C", "\x00"]);
    }
}

function randomString(int $maxLength): string
{
    $text = '';
    $length = mt_rand(0, $maxLength);
    for ($i = 0; $i < $length; $i++) {
        $text .= randomCharacter();
    }
    return $text;
}

function randomInteger(): int
{
    switch (mt_rand(0, 5)) {
        case 0: return pick([0, -1, 1, PHP_INT_MAX, PHP_INT_MIN, 9007199254740993, -9007199254740993, 2147483648, -2147483649]);
        case 1: return (mt_rand() << 32) | mt_rand();
        case 2: return -((mt_rand() << 31) | mt_rand());
        default: return mt_rand(-1000000, 1000000);
    }
}

function randomFloat(): float
{
    switch (mt_rand(0, 4)) {
        case 0:
            return pick([0.1, 0.5, 300.5, -0.0, 0.0, 1e25, 1.5e300, 5e-324, 1.7976931348623157e308, 1e15, 1e16, 1e-5, 1e-4,
                123456789012345678.0, 2.5, 100.0, -1.0e-7, 4.35, 0.30000000000000004, 9007199254740993.0]);
        case 1:
            return (mt_rand() / mt_getrandmax()) * (10 ** mt_rand(-30, 30)) * pick([1, -1]);
        case 2:
            return mt_rand(-100000, 100000) / 100;
        default:
            return (mt_rand() / mt_getrandmax()) * (10 ** mt_rand(-300, 300));
    }
}

function randomKey(): string
{
    return mt_rand(0, 2) === 0 ? randomString(6) : pick(['amount', 'comment', 'a/b', 'id', 'x', 'список', "tab\tkey", 'emoji😀', '', '0', '7']);
}

function randomValue(int $depth)
{
    $kinds = $depth >= 5 ? 6 : 10;
    switch (mt_rand(0, $kinds)) {
        case 0: return null;
        case 1: return mt_rand(0, 1) === 1;
        case 2: return randomInteger();
        case 3: return randomFloat();
        case 4:
        case 5:
        case 6: return randomString(24);
        case 7: return randomList($depth + 1);
        case 8:
        case 9: return randomAssociative($depth + 1);
        default: return randomObject($depth + 1);
    }
}

function randomList(int $depth): array
{
    $list = [];
    $count = mt_rand(0, 5);
    for ($i = 0; $i < $count; $i++) {
        $list[] = randomValue($depth);
    }
    return $list;
}

// A PHP array with string keys: encoded as an object, or as a list when the keys happen to be 0..n-1.
function randomAssociative(int $depth): array
{
    $array = [];
    $count = mt_rand(0, 5);
    for ($i = 0; $i < $count; $i++) {
        $array[randomKey()] = randomValue($depth);
    }
    return $array;
}

// stdClass always encodes as an object, so empty objects {} appear too.
function randomObject(int $depth): stdClass
{
    $object = new stdClass();
    $count = mt_rand(0, 4);
    for ($i = 0; $i < $count; $i++) {
        $key = randomKey();
        // PHP refuses property names that start with NUL (they mark private members).
        $object->{str_starts_with($key, "\0") ? "k$key" : $key} = randomValue($depth);
    }
    return $object;
}

function encode($value, int $flags): string
{
    $json = json_encode($value, $flags | JSON_THROW_ON_ERROR);
    return $json;
}

function writeFixture(string $path, array $content): void
{
    file_put_contents($path, encode($content, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
}

// ---- Corpus: random values in every flag combination -------------------------------------------

$corpus = [];
for ($i = 0; $i < CORPUS_SIZE; $i++) {
    $value = $i % 10 === 9 ? randomValue(4) : (mt_rand(0, 2) === 0 ? randomObject(1) : randomList(1));
    $encodings = [];
    foreach (FLAG_COMBINATIONS as $flags) {
        $encodings[(string)$flags] = encode($value, $flags);
    }
    $corpus[] = ['id' => sprintf('value-%03d', $i), 'encodings' => $encodings];
}

// Hand-picked values first in line for a reader of the fixture.
$edgeCases = [
    'all-ascii-controls' => implode('', array_map('chr', range(0, 0x1F))) . "\x7F",
    'line-terminators' => "a\u{2028}b\u{2029}c",
    'astral' => "\u{1F1E7}\u{1F1F9} \u{1F600} \u{10FFFF}",
    'punctuation' => "/ \\ \" < > & ' + % \\u0041",
    'numbers' => [PHP_INT_MAX, PHP_INT_MIN, 1e25, 0.1, -0.0, 300.0, 300.5, 1.0e-7, 9007199254740993, 1.5e300, 5e-324],
    'empties' => [[], new stdClass(), ['a' => [], 'b' => new stdClass(), 'c' => ''], [[[]]]],
    'scalars' => [true, false, null, '', 0],
];
foreach (array_reverse($edgeCases, true) as $name => $value) {
    $encodings = [];
    foreach (FLAG_COMBINATIONS as $flags) {
        $encodings[(string)$flags] = encode($value, $flags);
    }
    array_unshift($corpus, ['id' => "edge-$name", 'encodings' => $encodings]);
}

writeFixture("$fixtures/php-json-corpus.json", [
    'generator' => 'PHP ' . PHP_VERSION . ' json_encode, tests/php-crosscheck/generate.php',
    'flags' => 'keys of encodings are json_encode flag values: 64 UNESCAPED_SLASHES, 128 PRETTY_PRINT, 256 UNESCAPED_UNICODE',
    'entries' => $corpus,
]);

// ---- Signed postbacks: legacy format, and current format with odd content ------------------------

const ACCESS_KEY = 'uowkn0b3LfBxpcWYHi4_';
const PRIVATE_KEY = 'pk_test_4f9c2a1e7b';

function sign(array $signedList, string $privateKey = PRIVATE_KEY, string $accessKey = ACCESS_KEY): string
{
    return sha1($accessKey . $privateKey . md5(encode($signedList, SIGNING_FLAGS)));
}

function wireEncodings(array $body): array
{
    return [
        'php_default' => encode($body, 0),
        'unescaped' => encode($body, SIGNING_FLAGS),
        'pretty' => encode($body, JSON_PRETTY_PRINT),
    ];
}

function randomDateTime(): string
{
    return sprintf('2026-%02d-%02d %02d:%02d:%02d', mt_rand(1, 12), mt_rand(1, 28), mt_rand(0, 23), mt_rand(0, 59), mt_rand(0, 59));
}

function legacyTransaction(bool $oddContent): array
{
    $amount = pick([(string)mt_rand(1, 100000), mt_rand(1, 100000), mt_rand(100, 10000000) / 100, '300.00']);
    $transactionId = mt_rand(0, 3) === 0 ? mt_rand(100000000, 999999999) : (string)mt_rand(100000000000, 999999999999);
    return [
        'amount' => $amount,
        'currency_code' => 'BTN',
        'wallet_type' => 'bnb_ml',
        'transaction_id' => $transactionId,
        'transaction_type' => pick([0, 1]),
        'created_datetime' => randomDateTime(),
        'activated_datetime' => randomDateTime(),
        'custom_id' => $oddContent ? pick([null, 'custom/' . randomString(12), 'ord-' . mt_rand(1, 99999)]) : 'custom' . mt_rand(10000, 99999),
    ];
}

function currentTransaction(): array
{
    return [
        'activated_datetime' => randomDateTime(),
        'exchanger_identifier' => randomValue(3),
        'comment' => randomString(40),
        'amount' => pick([(string)mt_rand(1, 100000), mt_rand(100, 10000000) / 100]),
        'currency_code' => 'BTN',
        'wallet_type' => 'bnb_ml',
        'stockpiling_id' => randomInteger(),
        'transaction_id' => (string)mt_rand(100000000000, 999999999999),
        'transaction_type' => pick([0, 1]),
        'plugin_custom_order_id' => pick([null, 'custom' . mt_rand(10000, 99999), randomString(10)]),
        'withdrawal_id' => pick([null, (string)mt_rand(1, 99999)]),
        'withdrawal_status' => pick([null, 1, 5]),
        'account_number' => randomString(8),
        'account_name' => randomString(16),
        'account_email' => 'user/' . mt_rand(1, 999) . '@example.bt',
        'bank_details' => pick([[], ['bank_code' => randomString(4), 'branch_code' => ''], randomObject(2)]),
    ];
}

function expectations(array $signedList, string $customIdKey): array
{
    return array_map(fn (array $item) => [
        'transaction_id' => (string)$item['transaction_id'],
        'amount_text' => is_string($item['amount']) ? $item['amount'] : encode($item['amount'], 0),
        'custom_order_id' => $item[$customIdKey] === null ? null : (string)$item[$customIdKey],
        'json' => encode($item, SIGNING_FLAGS),
    ], $signedList);
}

$postbacks = [];
$addCase = function (string $name, string $format, array $body, array $signedList, bool $valid, string $note, string $customIdKey) use (&$postbacks) {
    foreach (wireEncodings($body) as $wire => $json) {
        $postbacks[] = [
            'name' => "$name/$wire",
            'format' => $format,
            'private_key' => PRIVATE_KEY,
            'access_key' => ACCESS_KEY,
            'valid' => $valid,
            'note' => $note,
            'signed_json' => encode($signedList, SIGNING_FLAGS),
            'expected_transactions' => expectations($signedList, $customIdKey),
            'body' => $json,
        ];
    }
};

for ($i = 0; $i < 12; $i++) {
    $transactions = [];
    $count = $i === 0 ? 1 : mt_rand(1, 3);
    for ($t = 0; $t < $count; $t++) {
        $transactions[] = legacyTransaction($i >= 6);
    }
    $body = [
        'access_key' => ACCESS_KEY,
        'label' => 'labeluser' . $i,
        'stockpiling' => pick([0, 1]),
        'stockpiling_id' => mt_rand(10000, 99999),
        'signature' => sign($transactions),
        'transactions' => $transactions,
    ];
    $addCase(sprintf('legacy-%02d', $i), 'legacy', $body, $transactions, true, 'legacy format signed over transactions', 'custom_id');

    if ($i === 1) {
        $tampered = $transactions;
        $tampered[0]['amount'] = '999999';
        $forged = array_merge($body, ['transactions' => $tampered]);
        $addCase('legacy-tampered-amount', 'legacy', $forged, $tampered, false, 'transactions changed after signing', 'custom_id');

        $foreignKey = array_merge($body, ['signature' => sign($transactions, 'pk_someone_else')]);
        $addCase('legacy-wrong-private-key', 'legacy', $foreignKey, $transactions, false, 'signed with a key that is not ours', 'custom_id');

        $uppercase = array_merge($body, ['signature' => strtoupper($body['signature'])]);
        $addCase('legacy-uppercase-signature', 'legacy', $uppercase, $transactions, true, 'signature sent in uppercase hex', 'custom_id');
    }
}

for ($i = 0; $i < 12; $i++) {
    $additionalData = [];
    $count = mt_rand(1, 3);
    for ($t = 0; $t < $count; $t++) {
        $additionalData[] = currentTransaction();
    }
    $body = [
        'signature' => sign($additionalData),
        'wallet_type' => 'bnb_ml',
        'amount' => mt_rand(1, 100000),
        'currency_code' => 'BTN',
        'label' => randomString(10),
        'direction' => pick(['ingoing', 'outgoing']),
        'created_datetime' => randomDateTime(),
        'access_key' => ACCESS_KEY,
        'converted_amount' => ['USD' => mt_rand(1, 1000) / 100, 'BTN' => mt_rand(1, 100000)],
        'additional_data' => $additionalData,
    ];
    $addCase(sprintf('current-random-%02d', $i), 'current', $body, $additionalData, true, 'current format with random signed content', 'plugin_custom_order_id');
}

writeFixture("$fixtures/php-postbacks.json", [
    'generator' => 'PHP ' . PHP_VERSION . ' json_encode, tests/php-crosscheck/generate.php',
    'cases' => $postbacks,
]);

fwrite(STDERR, sprintf("wrote %d corpus entries and %d postbacks with PHP %s\n", count($corpus), count($postbacks), PHP_VERSION));
