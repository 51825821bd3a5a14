<?php
// The one generator of random PHP values, shared by generate.php (offline fixtures) and
// differential.php (the live differential test). Every draw goes through mt_rand, so a seed given to
// mt_srand replays the same values on the same PHP version. Strings are always valid UTF-8 and floats
// always finite: json_encode refuses anything else, and the gateway cannot have signed it.

declare(strict_types=1);

const SIGNING_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;

function encode($value, int $flags): string
{
    return json_encode($value, $flags | JSON_THROW_ON_ERROR);
}

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

// Amounts and ids often travel as strings of digits; they must stay strings, never become numbers.
function randomDigitString(): string
{
    switch (mt_rand(0, 3)) {
        case 0: return pick(['0', '00', '007', '-0', '1e5', '0.10', '300.00', '9007199254740993', '9223372036854775808', ' 12', '+1']);
        case 1: return (string)mt_rand(0, PHP_INT_MAX);
        default:
            $digits = '';
            $length = mt_rand(1, 25);
            for ($i = 0; $i < $length; $i++) {
                $digits .= chr(mt_rand(0x30, 0x39));
            }
            return $digits;
    }
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

// Any finite double, subnormals included: its bits are drawn at random.
function randomFloatBits(): float
{
    do {
        $bytes = '';
        for ($i = 0; $i < 8; $i++) {
            $bytes .= chr(mt_rand(0, 255));
        }
        $float = unpack('E', $bytes)[1];
    } while (!is_finite($float));
    return $float;
}

// With serialize_precision=-1 PHP writes the shortest digits that round-trip, whole numbers without a
// fraction (300, -0) and exponents with one (1.0e+25, 1.0e-7, 5.0e-324); the cases below reach all of them.
function randomFloat(): float
{
    switch (mt_rand(0, 6)) {
        case 0:
            return pick([0.1, 0.5, 300.5, -0.0, 0.0, 1e25, 1.5e300, 5e-324, 1.7976931348623157e308, 1e15, 1e16, 1e-5, 1e-4,
                123456789012345678.0, 2.5, 100.0, -1.0e-7, 4.35, 0.30000000000000004, 9007199254740993.0,
                1.0, 1.5, -1.5, 1e-7, 1e22, 1e21, 999999999999999.9, 1e-300, 2.2250738585072014e-308, PHP_FLOAT_EPSILON]);
        case 1:
            return (mt_rand() / mt_getrandmax()) * (10 ** mt_rand(-30, 30)) * pick([1, -1]);
        case 2:
            return mt_rand(-100000, 100000) / 100;
        case 3:
            return (float)mt_rand(-1000000, 1000000) * (10 ** mt_rand(0, 20));
        case 4:
            return randomFloatBits();
        default:
            return (mt_rand() / mt_getrandmax()) * (10 ** mt_rand(-300, 300));
    }
}

function randomKey(): string
{
    switch (mt_rand(0, 5)) {
        case 0:
        case 1: return randomString(6);
        case 2: return randomDigitString();
        default: return pick(['amount', 'comment', 'a/b', 'id', 'x', 'список', "tab\tkey", 'emoji😀', '', '0', '7', '-3', '01']);
    }
}

function randomValue(int $depth)
{
    $kinds = $depth >= 5 ? 7 : 13;
    switch (mt_rand(0, $kinds)) {
        case 0: return null;
        case 1: return mt_rand(0, 1) === 1;
        case 2: return randomInteger();
        case 3: return randomFloat();
        case 4: return randomDigitString();
        case 5:
        case 6:
        case 7: return randomString(24);
        case 8: return randomList($depth + 1);
        case 9:
        case 10: return randomAssociative($depth + 1);
        case 11: return randomIndexKeyed($depth + 1);
        case 12: return randomListWithHole($depth + 1);
        default: return randomObject($depth + 1);
    }
}

// What a payload usually is: a list or an object at the top, sometimes any value at all.
function randomDocument()
{
    switch (mt_rand(0, 9)) {
        case 0: return randomValue(4);
        case 1:
        case 2: return randomObject(1);
        case 3: return randomIndexKeyed(1);
        case 4: return randomAssociative(1);
        default: return randomList(1);
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
// Keys of digits become integer keys in PHP, so "0", "7" and "-3" mix with the others.
function randomAssociative(int $depth): array
{
    $array = [];
    $count = mt_rand(0, 5);
    for ($i = 0; $i < $count; $i++) {
        $array[randomKey()] = randomValue($depth);
    }
    return $array;
}

// A PHP array with integer keys that are not 0..n-1 in order: encoded as an object {"1":…,"3":…}.
function randomIndexKeyed(int $depth): array
{
    $array = [];
    $count = mt_rand(1, 5);
    for ($i = 0; $i < $count; $i++) {
        $array[pick([mt_rand(0, 9), mt_rand(-5, 1000), randomInteger()])] = randomValue($depth);
    }
    return $array;
}

// A list after unset() or array_filter(): the gap in its keys turns it into an object {"0":…,"2":…}.
function randomListWithHole(int $depth): array
{
    $list = randomList($depth);
    $list[] = randomValue($depth);
    unset($list[mt_rand(0, count($list) - 1)]);
    return $list;
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

// Hand-picked values, named, that every run checks before the random ones.
function edgeCaseValues(): array
{
    $sparse = [0 => 'a', 1 => 'b', 2 => 'c'];
    unset($sparse[1]);
    return [
        'all-ascii-controls' => implode('', array_map('chr', range(0, 0x1F))) . "\x7F",
        'line-terminators' => "a\u{2028}b\u{2029}c",
        'astral' => "\u{1F1E7}\u{1F1F9} \u{1F600} \u{10FFFF}",
        'punctuation' => "/ \\ \" < > & ' + % \\u0041",
        'numbers' => [PHP_INT_MAX, PHP_INT_MIN, 1e25, 0.1, -0.0, 300.0, 300.5, 1.0e-7, 9007199254740993, 1.5e300, 5e-324],
        'empties' => [[], new stdClass(), ['a' => [], 'b' => new stdClass(), 'c' => ''], [[[]]]],
        'scalars' => [true, false, null, '', 0],
        'index-keyed' => [[1 => 'x', 3 => 'y'], [1 => 'a', 0 => 'b'], [-1 => null], $sparse, ['0' => 'list', '1' => 'again']],
        'digit-strings' => ['0', '007', '9223372036854775808', '1e5', '-0'],
    ];
}
