<?php
// Generates the fixtures that let the .NET tests compare PhpJson and the postback verifier with real
// PHP json_encode, without needing PHP at test time. Deterministic: the same PHP version writes the
// same files. Run: php tests/php-crosscheck/generate.php (from the repository root).

declare(strict_types=1);

require __DIR__ . '/random-values.php';

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

$fixtures = __DIR__ . '/../Paykassma.PluginApi.Tests/Fixtures';
mt_srand(SEED);

function writeFixture(string $path, array $content): void
{
    file_put_contents($path, encode($content, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
}

// ---- Corpus: random values in every flag combination -------------------------------------------

$corpus = [];
for ($i = 0; $i < CORPUS_SIZE; $i++) {
    $value = randomDocument();
    $encodings = [];
    foreach (FLAG_COMBINATIONS as $flags) {
        $encodings[(string)$flags] = encode($value, $flags);
    }
    $corpus[] = ['id' => sprintf('value-%03d', $i), 'encodings' => $encodings];
}

// Hand-picked values first in line for a reader of the fixture.
$edgeCases = edgeCaseValues();
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
