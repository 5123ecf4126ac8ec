import { createRequire as __rgCreateRequire } from 'node:module'; const require = __rgCreateRequire(import.meta.url);
import {
  DiffError,
  FAILURES_IN_COMMENT,
  FAILURES_IN_SUMMARY,
  LIMITS,
  ageText,
  attestationOf,
  changesBetween,
  codeSpan,
  convert,
  decodeDigest,
  digestOf,
  directorySource,
  encodeDigest,
  escapeMarkdown,
  evaluatePolicy,
  fetchCommits,
  findingName,
  formatBytes,
  formatPolicyError,
  hasCommit,
  headCommit,
  isShallow,
  loadPolicy,
  logLine,
  mergeBase,
  nameOf,
  parentsNamed,
  parseUnifiedDiff,
  renderJson,
  renderMarkdownSections,
  renderNoVerdictJson,
  renderUnusablePolicyMarkdown,
  repositoryFiles,
  require_picomatch,
  shownMessage,
  subjectDigests,
  visible
} from "./chunks/chunk-XG7KDLMX.js";
import {
  package_default
} from "./chunks/chunk-EUXFFNDW.js";
import {
  core_exports,
  defaults,
  error,
  getInput,
  getOctokit,
  info,
  require_light,
  retry,
  setFailed,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunks/chunk-H7GTQJ6S.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunks/chunk-XMXXNP2B.js";

// node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/yauzl/fd-slicer.js"(exports) {
    var fs = __require("fs");
    var util = __require("util");
    var stream = __require("stream");
    var Readable = stream.Readable;
    var PassThrough = stream.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer2) {
          cb();
          callback(err, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs.close(self.fd, onCloseDone);
      function onCloseDone(err) {
        if (err) {
          self.emit("error", err);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
          if (err) {
            self.destroy(err);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err, cb) {
      this._cleanup();
      cb(err);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc32(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc32;
  }
});

// node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/yauzl/index.js"(exports) {
    var fs = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform2 = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path5, options2) {
      return new Promise((resolve, reject) => {
        open(path5, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function open(path5, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.open(path5, "r", function(err, fd) {
        if (err) return callback(err);
        fromFd(fd, options2, function(err2, zipfile) {
          if (err2) fs.close(fd, defaultCallback);
          callback(err2, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs.fstat(fd, function(err, stats) {
        if (err) return callback(err);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
        if (err) return callback(err);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment2 = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err2) {
              if (err2) return callback(err2);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment2, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment2, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment2, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err) {
        emitError(self, err);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment2;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err) {
      if (self.autoClose) self.close();
      emitError(self, err);
    }
    function emitError(self, err) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
        if (err) return emitErrorAndAutoClose(self, err);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature = buffer.readUInt32LE(0);
        if (signature !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err2) {
          if (err2) return emitErrorAndAutoClose(self, err2);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err3) {
            return emitErrorAndAutoClose(self, err3);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage = validateFileName(entry.fileName);
            if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        resolve({ value: entry });
      }
      function onEnd() {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve({ done: true });
      }
      function onError(err) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress;
      if (rawMode) {
        decompress = false;
      } else if (entry.compressionMethod === 8) {
        decompress = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err, localFileHeader) {
        if (err) return callback(err);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
        try {
          if (err) return callback(err);
          var signature = buffer.readUInt32LE(0);
          if (signature !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err2) {
            try {
              if (err2) return callback(err2);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.openReadStream(entry, options2, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
      return new Promise((resolve, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.readLocalFileHeader(entry, options2, function(err, localFileHeader) {
          if (err) return reject(err);
          resolve(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time2, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time2 & 31) * 2;
      var minute = time2 >> 5 & 63;
      var hour = time2 >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc32(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err, bytesRead) {
        if (err) return callback(err);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform2);
    function AssertByteCountStream(byteCount) {
      Transform2.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err) {
        if (err) return self.emit("error", err);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error2) {
        callback(error2);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream, fn) {
      if (typeof stream.destroy === "function") {
        stream._destroy = function(err, cb) {
          fn();
          if (cb != null) cb(err);
        };
      } else {
        stream.destroy = fn;
      }
    }
    function defaultCallback(err) {
      if (err) throw err;
    }
  }
});

// src/action/index.ts
import { mkdir as mkdir2, readFile as readFile2, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path4 from "node:path";

// src/github/context.ts
function readContext(env, payload) {
  const [owner, repo] = required(env, "GITHUB_REPOSITORY").split("/");
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
  const apiUrl = (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, "");
  const runId = Number(env.GITHUB_RUN_ID ?? 0);
  const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? 1);
  const context = {
    eventName,
    owner,
    repo,
    headSha: env.GITHUB_SHA ?? "",
    runId,
    runAttempt,
    serverUrl,
    apiUrl,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${runAttempt > 1 ? `/attempts/${runAttempt}` : ""}`
  };
  const pr = payload.pull_request;
  if (eventName.startsWith("pull_request") && pr) {
    context.pullRequest = pullRequestFrom(pr, `${owner}/${repo}`);
    context.headSha = context.pullRequest.headSha;
    context.branch = context.pullRequest.baseRef;
    return context;
  }
  const group = payload.merge_group;
  if (eventName === "merge_group" && group) {
    const baseRef = String(group.base_ref ?? "").replace(/^refs\/heads\//, "");
    context.mergeGroup = { headSha: String(group.head_sha ?? ""), headRef: String(group.head_ref ?? ""), baseSha: String(group.base_sha ?? ""), baseRef };
    context.headSha = context.mergeGroup.headSha;
    context.branch = baseRef;
    return context;
  }
  const run = payload.workflow_run;
  if (eventName === "workflow_run" && run) {
    const headSha = String(run.head_sha ?? "");
    context.headSha = headSha;
    const prs = (run.pull_requests ?? []).map((p) => pullRequestFrom(p, `${owner}/${repo}`));
    const event = String(run.event ?? "");
    context.triggeringRun = { id: Number(run.id), headSha, event, pullRequests: prs.filter((p) => p.headSha === headSha) };
    if (typeof run.head_branch === "string") context.triggeringRun.headBranch = run.head_branch;
    if (typeof run.head_branch === "string" && !event.startsWith("pull_request")) context.branch = run.head_branch;
    return context;
  }
  if (eventName === "push" && typeof payload.before === "string" && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(payload.before) && !/^0+$/.test(payload.before)) context.before = payload.before;
  const ref = env.GITHUB_REF ?? "";
  if (ref.startsWith("refs/heads/")) context.branch = ref.slice("refs/heads/".length);
  else if (env.GITHUB_REF_NAME && env.GITHUB_REF_TYPE === "branch") context.branch = env.GITHUB_REF_NAME;
  return context;
}
function pullRequestFrom(pr, fullName) {
  const head = pr.head ?? {};
  const base = pr.base ?? {};
  const headRepo = head.repo ?? {};
  const ref = {
    number: Number(pr.number),
    headSha: String(head.sha ?? ""),
    baseRef: String(base.ref ?? ""),
    fromFork: typeof headRepo.full_name === "string" && headRepo.full_name !== fullName
  };
  if (typeof base.sha === "string") ref.baseSha = base.sha;
  return ref;
}
function required(env, name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: release-gate runs as a GitHub Action step (locally, use the release-gate CLI)`);
  return value;
}

// src/github/checks.ts
var ANNOTATIONS_PER_REQUEST = 50;
var CHECK_SUMMARY_LIMIT = 65535;
function checkTitle(verdict) {
  const { passed, failed, missing } = verdict.counts;
  const head = verdict.decision === "pass" ? "Passed" : "Failed";
  return `${head}: ${passed} passed, ${failed} failed, ${missing} without evidence \u2014 score ${verdict.score}%`;
}
async function publishCheckRun(octokit, request) {
  const { owner, repo, title, annotations } = request;
  if (request.text !== void 0 && request.text.length > CHECK_SUMMARY_LIMIT) throw new Error(`the check run text has ${request.text.length} characters, more than GitHub's ${CHECK_SUMMARY_LIMIT}`);
  const text = request.text === void 0 ? {} : { text: request.text };
  const conclusion = request.decision === "pass" ? "success" : "failure";
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: request.name,
    head_sha: request.headSha,
    details_url: request.detailsUrl,
    status: "completed",
    conclusion,
    completed_at: (/* @__PURE__ */ new Date()).toISOString(),
    output: { title, summary: request.summary, ...text, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) }
  });
  for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: created.data.id,
      output: { title, summary: request.summary, ...text, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) }
    });
  }
  return { id: created.data.id, url: created.data.html_url ?? "" };
}

// node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var import_light = __toESM(require_light(), 1);
var VERSION = "0.0.0-development";
var noop = () => Promise.resolve();
function wrapRequest(state, request, options2) {
  return state.retryLimiter.schedule(doRequest, state, request, options2);
}
async function doRequest(state, request, options2) {
  const { pathname } = new URL(options2.url, "http://github.test");
  const isAuth = isAuthRequest(options2.method, pathname);
  const isWrite = !isAuth && options2.method !== "GET" && options2.method !== "HEAD";
  const isSearch = options2.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options2);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error2) => error2.type === "RATE_LIMITED")) {
      const error2 = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error2;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];
function routeMatcher(paths) {
  const regexes = paths.map(
    (path5) => path5.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = import_light.default,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error2, info2) {
      const [state2, request, options2] = info2.args;
      const { pathname } = new URL(options2.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error2.status !== 401;
      if (!(shouldRetryGraphQL || error2.status === 403 || error2.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options2.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error2.message)) {
          const retryAfter2 = Number(error2.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options2,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error2.response.headers != null && error2.response.headers["x-ratelimit-remaining"] === "0" || (error2.response.data?.errors ?? []).some(
          (error22) => error22.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error2.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options2,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options2) => {
    initializeBottleneck();
    return wrapRequest(state, request, options2);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;

// src/github/octokit.ts
var REQUEST_TIMEOUT_MS = requestTimeout(process.env.RELEASE_GATE_REQUEST_TIMEOUT_MS);
function requestTimeout(value) {
  const ms = Number(value);
  return value && Number.isInteger(ms) && ms >= 1e3 && ms <= 3e4 ? ms : 3e4;
}
var MAX_RATE_LIMIT_WAIT_S = 60;
function createOctokit(token, apiUrl, log) {
  const base = defaults.request;
  const innerFetch = base?.fetch ?? fetch;
  const timedFetch = (input, init) => innerFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const onLimit = (kind) => (retryAfter, options2, _octokit, retryCount) => {
    if (retryCount < 3 && retryAfter <= MAX_RATE_LIMIT_WAIT_S) {
      log.warning(`GitHub ${kind} rate limit on ${options2.method} ${options2.url}: retrying in ${retryAfter}s`);
      return true;
    }
    log.warning(`GitHub ${kind} rate limit on ${options2.method} ${options2.url}: giving up (retry-after ${retryAfter}s)`);
    return false;
  };
  return getOctokit(
    token,
    {
      baseUrl: apiUrl,
      // no request.retries here: plugin-retry would then retry every error, 404s included
      request: { ...defaults.request, fetch: timedFetch },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") }
    },
    retry,
    throttling
  );
}
function httpStatus(err) {
  const status = err?.status;
  return typeof status === "number" ? status : void 0;
}

// src/render/annotations.ts
var MAX_MESSAGE = 64 * 1024 - 1;
var MAX_TITLE = 255;
function annotationsFor(verdict, policyPath) {
  return verdict.criteria.filter((c) => c.status === "failed" || c.status === "missing").map((c) => ({
    path: policyPath,
    start_line: c.position.line,
    end_line: c.position.line,
    annotation_level: c.required ? "failure" : "warning",
    title: clip(visible(`${c.title} (${c.id}): ${c.status === "missing" ? "no evidence" : "failed"}`), MAX_TITLE),
    message: clip(visible(c.reason), MAX_MESSAGE)
  }));
}
var FAILURE_ANNOTATIONS_CAP = 500;
function failureAnnotations(verdict, options2 = {}) {
  const cap = options2.cap ?? FAILURE_ANNOTATIONS_CAP;
  const annotations = [];
  let leftOut = 0;
  const criteria = [...verdict.criteria.filter((c) => c.status === "failed"), ...verdict.criteria.filter((c) => c.status === "passed")];
  for (const c of criteria) {
    for (const item of c.failures?.kept ?? []) {
      const path5 = item.file === void 0 ? void 0 : repositoryPath(item.file, options2.workspace);
      if (path5 === void 0 || item.line === void 0 || !Number.isInteger(item.line) || item.line < 1) continue;
      if (annotations.length >= cap) {
        leftOut++;
        continue;
      }
      annotations.push(failureAnnotation(c, item, path5, item.line));
    }
  }
  return { annotations, leftOut };
}
var PATCH_ANNOTATIONS_CAP = 200;
function patchAnnotations(verdict, cap = PATCH_ANNOTATIONS_CAP) {
  const annotations = [];
  const seen = /* @__PURE__ */ new Set();
  let leftOut = 0;
  for (const c of verdict.criteria) {
    for (const file of c.patch?.uncovered ?? []) {
      const path5 = repositoryPath(file.path);
      if (path5 === void 0) continue;
      for (const [first, last] of file.ranges) {
        if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first) continue;
        const key = `${path5}\0${first}\0${last}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (annotations.length >= cap) {
          leftOut++;
          continue;
        }
        const lines = first === last ? `Line ${first} is` : `Lines ${first}\u2013${last} are`;
        annotations.push({
          path: path5,
          start_line: first,
          end_line: last,
          annotation_level: "warning",
          title: clip(visible(oneLineText(first === last ? "Changed line not covered" : "Changed lines not covered")), MAX_TITLE),
          message: clip(
            visible(`${lines} changed and not run by the tests (${c.title === c.id ? c.id : `${c.title}, ${c.id}`}: ${file.uncovered} of ${file.instrumented} instrumented changed line${file.instrumented === 1 ? "" : "s"} of this file not covered)`),
            MAX_MESSAGE
          )
        });
      }
    }
  }
  return { annotations, leftOut };
}
function failureAnnotation(c, item, path5, line) {
  const message = shownMessage(item);
  const level = item.level === "warning" ? "warning" : item.level === "note" ? "notice" : "failure";
  const title = item.level !== void 0 ? `${item.level}${item.suite !== void 0 ? ` ${item.suite}` : ""}${findingName(item) !== void 0 ? `${item.suite !== void 0 ? ":" : ""} ${findingName(item)}` : ""}` : `${item.suite ? `${item.suite} \u203A ` : ""}${nameOf(item)} failed`;
  return {
    path: path5,
    start_line: line,
    end_line: line,
    annotation_level: level,
    title: clip(visible(oneLineText(title)), MAX_TITLE),
    message: clip(visible(`${message ?? (item.level !== void 0 ? nameOf(item) : "failed")} (${c.title === c.id ? c.id : `${c.title}, ${c.id}`})`), MAX_MESSAGE)
  };
}
function repositoryPath(file, workspace) {
  let path5 = file;
  if (/^file:\/\//i.test(path5)) {
    try {
      path5 = decodeURIComponent(new URL(path5).pathname).replace(/^\/([a-z]:)/i, "$1");
    } catch {
      return void 0;
    }
  }
  path5 = path5.replace(/\\/g, "/");
  if (workspace !== void 0 && workspace !== "") {
    const root = `${workspace.replace(/\\/g, "/").replace(/\/+$/, "")}/`;
    if (path5.startsWith(root)) path5 = path5.slice(root.length);
  }
  path5 = path5.replace(/^(?:\.\/)+/, "");
  if (path5 === "" || path5.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(path5)) return void 0;
  if (/[\u0000-\u001f\u007f]/.test(path5)) return void 0;
  if (path5.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return void 0;
  return path5;
}
function oneLineText(text) {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " ").trim();
}
function clip(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/action/event.ts
var QUEUE_BRANCH = /^gh-readonly-queue\/(.+)\/pr-\d+-[0-9a-f]{40}$/;
async function planReadings(octokit, context) {
  const { pullRequest: pr, mergeGroup: group, triggeringRun: run } = context;
  if (pr) {
    let prs;
    try {
      prs = distinct([pr, ...await pullsWithHead(octokit, context)]);
    } catch (err) {
      return { ...undetermined(context, lookupFailure(context, err)), pullRequests: [pr] };
    }
    const bases = byBase(prs).sort((a, b) => Number(b.baseRef === pr.baseRef) - Number(a.baseRef === pr.baseRef));
    const readings = bases.map(({ baseRef, baseSha, numbers }) => {
      const sha = baseRef === pr.baseRef ? pr.baseSha ?? baseSha : baseSha;
      return { what: { kind: "pull", numbers, ref: baseRef, ...sha && { baseSha: sha } }, branch: baseRef, base: { ref: baseRef, ...sha && { sha }, subject: "This pull request" } };
    });
    return { readings, pullRequests: [pr] };
  }
  if (group) {
    return { readings: [{ what: { kind: "merge-group", ref: group.baseRef }, branch: group.baseRef, base: { ref: group.baseRef, sha: group.baseSha, subject: "This merge group" } }], pullRequests: [] };
  }
  if (run?.event.startsWith("pull_request")) {
    let prs;
    try {
      prs = distinct([...run.pullRequests, ...await pullsWithHead(octokit, context)]);
    } catch (err) {
      return undetermined(context, lookupFailure(context, err));
    }
    if (prs.length === 0) {
      return undetermined(context, `no open pull request has head ${short(context.headSha)}, so the branch whose rules apply is unknown: the gate fails closed`);
    }
    return { readings: byBase(prs).map(({ numbers, baseRef, baseSha }) => ({ what: { kind: "pull", numbers, ref: baseRef, ...baseSha && { baseSha } }, branch: baseRef })), pullRequests: prs };
  }
  if (run?.event === "merge_group") {
    const queue = QUEUE_BRANCH.exec(run.headBranch ?? "");
    if (!queue) return undetermined(context, `the merge group branch "${run.headBranch ?? ""}" does not name the branch it merges into, so the rules that apply are unknown: the gate fails closed`);
    return { readings: [{ what: { kind: "merge-group", ref: queue[1] }, branch: queue[1] }], pullRequests: [] };
  }
  const pushed = context.eventName === "push" || run?.event === "push";
  if (pushed && context.branch !== void 0) {
    const branch2 = context.branch;
    const queue = QUEUE_BRANCH.exec(branch2);
    if (queue) {
      const base = queue[1];
      return { readings: [{ what: { kind: "merge-group", ref: base }, branch: base, ...run === void 0 && { base: { ref: base, subject: "This merge group" } } }], pullRequests: [] };
    }
    let prs;
    try {
      prs = distinct([...run?.pullRequests ?? [], ...await pullsOfBranch(octokit, context, branch2)]);
    } catch (err) {
      return undetermined(context, lookupFailure(context, err));
    }
    const own = { what: { kind: "branch", ref: branch2 }, branch: branch2 };
    const asPulls = byBase(prs).map(({ baseRef, baseSha, numbers }) => ({
      what: { kind: "pull", numbers, ref: baseRef, ...baseSha && { baseSha } },
      branch: baseRef,
      // a push run reads the base's policy, as the PR's own run does; workflow_run keeps the workspace's
      ...run === void 0 && { base: { ref: baseRef, ...baseSha && { sha: baseSha }, subject: `This commit (the head of pull request ${numbers.map((n) => `#${n}`).join(", ")})` } }
    }));
    return { readings: [...asPulls, own], pullRequests: [] };
  }
  const branch = context.branch;
  return { readings: [branch !== void 0 ? { what: { kind: "branch", ref: branch }, branch } : { what: { kind: "commit", sha: context.headSha } }], pullRequests: [] };
}
function undetermined(context, reason) {
  return { readings: [{ what: { kind: "commit", sha: context.headSha } }], pullRequests: [], undetermined: reason };
}
function lookupFailure(context, err) {
  const message = err instanceof Error ? err.message : String(err);
  const fix = httpStatus(err) === 403 ? ' Grant "permissions: pull-requests: read" to the job.' : "";
  return `could not look up the open pull requests of ${short(context.headSha)} (${message}), so the branch whose rules apply is unknown: the gate fails closed.${fix}`;
}
async function pullsWithHead(octokit, context) {
  const { owner, repo, headSha } = context;
  const associated = await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, { owner, repo, commit_sha: headSha, per_page: 100 });
  let heads = associated.filter((p) => p.state === "open" && p.head.sha === headSha);
  if (heads.length === 0) {
    const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 });
    heads = open.filter((p) => p.head.sha === headSha);
  }
  return heads.map((p) => pullRequestFrom(p, `${owner}/${repo}`));
}
async function pullsOfBranch(octokit, context, branch) {
  const { owner, repo, headSha } = context;
  const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 100 });
  return open.filter((p) => p.head.sha === headSha).map((p) => pullRequestFrom(p, `${owner}/${repo}`));
}
function distinct(prs) {
  const seen = /* @__PURE__ */ new Map();
  for (const p of prs) if (!seen.has(p.number) || p.baseSha && !seen.get(p.number).baseSha) seen.set(p.number, p);
  return [...seen.values()].sort((a, b) => a.number - b.number);
}
function byBase(prs) {
  const groups2 = /* @__PURE__ */ new Map();
  for (const p of prs) groups2.set(p.baseRef, [...groups2.get(p.baseRef) ?? [], p]);
  return [...groups2.entries()].map(([baseRef, group]) => {
    const baseSha = group.find((p) => p.baseSha)?.baseSha;
    return { baseRef, numbers: group.map((p) => p.number), ...baseSha && { baseSha } };
  });
}
function describeReading(reading, style) {
  const ref = (r) => style === "markdown" ? codeSpan(r, 100) : r;
  const { what } = reading;
  switch (what.kind) {
    case "pull":
      return `pull request${what.numbers.length > 1 ? "s" : ""} ${what.numbers.map((n) => `#${n}`).join(", ")} into ${ref(what.ref)}`;
    case "merge-group":
      return `merge group into ${ref(what.ref)}`;
    case "branch":
      return `branch ${ref(what.ref)}`;
    case "commit":
      return `commit ${ref(short(what.sha))}`;
  }
}
function short(sha) {
  return sha.slice(0, 7);
}

// src/action/evidence-source.ts
import path2 from "node:path";

// src/evidence/artifacts.ts
var import_picomatch = __toESM(require_picomatch(), 1);
var import_yauzl = __toESM(require_yauzl(), 1);
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
var PARALLEL_DOWNLOADS = 4;
async function fetchArtifacts(options2, runHeadSha) {
  const { DefaultArtifactClient } = await import("./chunks/artifact-XVBBWJHF.js");
  const client = new DefaultArtifactClient();
  const findBy = options2.currentRun ? void 0 : { token: options2.token, workflowRunId: options2.runId, repositoryOwner: options2.owner, repositoryName: options2.repo };
  const problems = [];
  if (!options2.currentRun && runHeadSha !== options2.headSha) {
    problems.push(`run ${options2.runId} is for commit ${runHeadSha.slice(0, 7)}, not ${options2.headSha.slice(0, 7)}: its artifacts are not evidence for this commit`);
    const empty = { find: async () => ({ files: [], emptyReason: problems[0] }) };
    return { source: empty, artifacts: [], problems };
  }
  const listed = await client.listArtifacts({ latest: true, ...findBy && { findBy } }).catch((err) => {
    throw new Error(explainArtifactError(err, "list the artifacts"), { cause: err });
  });
  const wanted = (0, import_picomatch.default)(options2.patterns.length > 0 ? options2.patterns : ["!**"], { dot: true });
  const newest = /* @__PURE__ */ new Map();
  for (const a of listed.artifacts) {
    if (!wanted(a.name) || !isSafeName(a.name)) continue;
    const seen = newest.get(a.name);
    if (!seen || time(a.createdAt) > time(seen.createdAt) || time(a.createdAt) === time(seen.createdAt) && a.id > seen.id) newest.set(a.name, a);
  }
  const artifacts = [...newest.values()].map((a) => ({
    id: a.id,
    name: a.name,
    size: a.size,
    ...a.createdAt && { createdAt: new Date(a.createdAt).toISOString() },
    ...a.digest && { digest: a.digest },
    runId: options2.runId,
    headSha: runHeadSha
  }));
  const limits = options2.limits ?? LIMITS;
  await mkdir(options2.dir, { recursive: true });
  const staging = `${options2.dir}.zips`;
  await mkdir(staging, { recursive: true });
  const budget = { bytesLeft: limits.totalEvidenceBytes };
  const queue = [...artifacts];
  const failed = /* @__PURE__ */ new Set();
  const refusals = /* @__PURE__ */ new Map();
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const zipDir = path.join(staging, `${a.id}`);
        const unpacked = path.join(staging, `${a.id}.unpacked`);
        try {
          if (a.size > limits.artifactBytes) {
            throw new ZipRefused(`its zip is ${formatBytes(a.size)}, over the ${formatBytes(limits.artifactBytes)} cap per artifact (LIMITS.artifactBytes)`);
          }
          await mkdir(zipDir, { recursive: true });
          let download;
          try {
            download = await client.downloadArtifact(a.id, { path: zipDir, skipDecompress: true, ...a.digest && { expectedHash: a.digest }, ...findBy && { findBy } });
          } catch (err) {
            throw new Error(`could not be downloaded: ${explainArtifactError(err, "download it")}`, { cause: err });
          }
          if (download.digestMismatch) throw new ZipRefused(`the downloaded zip does not match the digest GitHub recorded at upload (${a.digest})`);
          const saved = await readdir(zipDir);
          if (saved.length !== 1) throw new Error(`could not be downloaded: expected one zip, found ${saved.length} files`);
          const stats = await unzipArtifact(path.join(zipDir, saved[0]), unpacked, limits, budget);
          await rename(unpacked, path.join(options2.dir, a.name));
          options2.log.info(`downloaded artifact "${a.name}" (${a.size} bytes; ${stats.files} files, ${stats.bytes} bytes unpacked)`);
        } catch (err) {
          failed.add(a.name);
          const problem = err instanceof ZipRefused ? `artifact "${a.name}" refused: ${err.message}` : err instanceof Error && err.message.startsWith("could not be downloaded") ? `artifact "${a.name}" ${err.message}` : `artifact "${a.name}" could not be unpacked: ${err instanceof Error ? err.message : String(err)}`;
          refusals.set(a.name, problem);
          problems.push(problem);
          await rm(unpacked, { recursive: true, force: true }).catch(() => void 0);
        } finally {
          await rm(zipDir, { recursive: true, force: true }).catch(() => void 0);
        }
      }
    })
  );
  const byName = new Map(artifacts.filter((a) => !failed.has(a.name)).map((a) => [a.name, a]));
  const directory = directorySource(options2.dir);
  const source = {
    async find(query) {
      const matches = query.artifact === void 0 ? void 0 : (0, import_picomatch.default)(query.artifact, { dot: true });
      const named = matches ? [...refusals].filter(([name]) => matches(name)).map(([, p]) => p) : [];
      if (named.length > 0) return { files: [], emptyReason: named.join("; ") };
      const found = await directory.find(query);
      if (found.files.length === 0 && problems.length > 0) found.emptyReason += ` (${problems.join("; ")})`;
      for (const file of found.files) {
        const artifact = file.artifact === void 0 ? void 0 : byName.get(file.artifact);
        if (!artifact) continue;
        file.artifactId = artifact.id;
        file.runId = artifact.runId;
        file.headSha = artifact.headSha;
        file.modified = artifact.createdAt ?? "unknown";
      }
      return found;
    }
  };
  return { source, artifacts: [...byName.values()], problems };
}
function isSafeName(name) {
  return name.length > 0 && !name.includes("/") && !name.includes("\\") && name !== "." && name !== ".." && !name.includes("\0");
}
function time(d) {
  return d === void 0 ? 0 : new Date(d).getTime();
}
function explainArtifactError(err, doing) {
  const name = err?.name ?? "";
  const message = err instanceof Error ? err.message : String(err);
  if (name === "GHESNotSupportedError" || /GHES|not supported on GitHub Enterprise/i.test(message)) {
    return `cannot ${doing}: the artifact API is not available on GitHub Enterprise Server. Download the artifacts with actions/download-artifact and pass their folder as evidence-dir.`;
  }
  if (err?.status === 403 || /\b403\b|Resource not accessible|forbidden/i.test(message)) {
    return `cannot ${doing}: the token may not read artifacts. Grant "permissions: actions: read" to the job (or pass evidence-dir).`;
  }
  return `cannot ${doing}: ${message}`;
}
var ZipRefused = class extends Error {
  name = "ZipRefused";
};
var S_IFMT = 61440;
var S_IFREG = 32768;
var S_IFDIR = 16384;
var S_IFLNK = 40960;
async function unzipArtifact(zipFile, target, limits = LIMITS, budget = { bytesLeft: limits.totalEvidenceBytes }) {
  let zip;
  try {
    zip = await new Promise(
      (resolve, reject) => import_yauzl.default.open(zipFile, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true }, (err, z) => err ? reject(err) : resolve(z))
    );
  } catch (err) {
    throw new Error(`not a readable zip: ${err.message}`, { cause: err });
  }
  try {
    if (zip.entryCount > limits.zipEntries) {
      throw new ZipRefused(`${zip.entryCount} entries, more than the ${limits.zipEntries} allowed per artifact (LIMITS.zipEntries)`);
    }
    await mkdir(target, { recursive: false });
    const root = path.resolve(target);
    const seen = /* @__PURE__ */ new Set();
    let files = 0;
    let total = 0;
    let compressedTotal = 0;
    for (; ; ) {
      const entry = await nextEntry(zip);
      if (entry === void 0) break;
      const name = entry.fileName;
      const isDirectory = name.endsWith("/");
      const madeBy = entry.versionMadeBy >> 8;
      const mode = entry.externalFileAttributes >>> 16 & S_IFMT;
      if ((madeBy === 3 || madeBy === 19) && mode !== 0) {
        if (mode === S_IFLNK) throw new ZipRefused(`entry "${clip2(name)}" is a symbolic link; links are not unpacked (they could point anywhere)`);
        if (mode !== S_IFREG && mode !== S_IFDIR) throw new ZipRefused(`entry "${clip2(name)}" is not a regular file (mode ${mode.toString(8)})`);
      }
      const destination = path.resolve(root, name);
      if (/^[a-zA-Z]:/.test(name) || name.includes("\0") || destination !== root && !destination.startsWith(root + path.sep)) {
        throw new ZipRefused(`entry "${clip2(name)}" would be written outside the artifact folder (zip-slip)`);
      }
      if (seen.has(destination)) throw new ZipRefused(`entry "${clip2(name)}" appears twice`);
      seen.add(destination);
      if (isDirectory) {
        await mkdir(destination, { recursive: true });
        continue;
      }
      if (entry.uncompressedSize > limits.fileBytes) {
        throw new ZipRefused(`entry "${clip2(name)}" is ${formatBytes(entry.uncompressedSize)}, over the ${formatBytes(limits.fileBytes)} cap per file (LIMITS.fileBytes)`);
      }
      files++;
      compressedTotal += entry.compressedSize;
      await mkdir(path.dirname(destination), { recursive: true });
      const stream = await openEntry(zip, entry);
      let entryBytes = 0;
      const counter = new Transform({
        transform(chunk, _encoding, callback) {
          entryBytes += chunk.length;
          total += chunk.length;
          budget.bytesLeft -= chunk.length;
          if (entryBytes > limits.fileBytes) return callback(new ZipRefused(`entry "${clip2(name)}" inflates past the ${formatBytes(limits.fileBytes)} cap per file (LIMITS.fileBytes)`));
          if (entryBytes > limits.zipRatio * Math.max(entry.compressedSize, 1)) {
            return callback(new ZipRefused(`entry "${clip2(name)}" inflates more than ${limits.zipRatio}:1 (${formatBytes(entry.compressedSize)} compressed; LIMITS.zipRatio) \u2014 a zip bomb?`));
          }
          if (total > limits.artifactBytes) return callback(new ZipRefused(`the artifact inflates past the ${formatBytes(limits.artifactBytes)} cap per artifact (LIMITS.artifactBytes)`));
          if (budget.bytesLeft < 0) return callback(new ZipRefused(`the artifacts inflate past the ${formatBytes(limits.totalEvidenceBytes)} cap on all evidence (LIMITS.totalEvidenceBytes)`));
          callback(null, chunk);
        }
      });
      await pipeline(stream, counter, createWriteStream(destination, { flags: "wx" }));
      if (total > limits.zipRatio * Math.max(compressedTotal, 1)) {
        throw new ZipRefused(`the artifact inflates more than ${limits.zipRatio}:1 overall (LIMITS.zipRatio) \u2014 a zip bomb?`);
      }
    }
    return { files, bytes: total };
  } finally {
    zip.close();
  }
}
function nextEntry(zip) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (e) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(void 0));
    const onError = (err) => (cleanup(), reject(explainZipError(err)));
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}
function openEntry(zip, entry) {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => err ? reject(explainZipError(err)) : resolve(stream)));
}
function explainZipError(err) {
  const m = /^(absolute path|invalid relative path|invalid characters in fileName): (.*)$/s.exec(err.message);
  if (m) return new ZipRefused(`entry "${clip2(m[2])}" would be written outside the artifact folder (zip-slip: ${m[1]})`);
  return new Error(`corrupt zip: ${err.message}`, { cause: err });
}
function clip2(name) {
  return name.length > 200 ? `${name.slice(0, 200)}\u2026` : name;
}

// src/action/evidence-source.ts
function artifactPatterns(policies) {
  return [...new Set(policies.flatMap((p) => p.criteria.map((c) => c.evidence.artifact)).filter((a) => a !== void 0))];
}
async function evidenceSource(octokit, context, inputs, patterns, work) {
  if (inputs.evidenceDir !== void 0) return directorySource(path2.resolve(process.env.GITHUB_WORKSPACE ?? ".", inputs.evidenceDir));
  const runId = inputs.runId ?? context.triggeringRun?.id ?? context.runId;
  const currentRun = runId === context.runId;
  try {
    let runHeadSha = context.headSha;
    if (!currentRun) {
      const { data } = await octokit.rest.actions.getWorkflowRun({ owner: context.owner, repo: context.repo, run_id: runId }).catch((err) => {
        throw new Error(explainArtifactError(err, `read run ${runId}`), { cause: err });
      });
      runHeadSha = data.head_sha;
    }
    const fetched = await fetchArtifacts(
      { token: inputs.token, owner: context.owner, repo: context.repo, runId, currentRun, headSha: context.headSha, patterns, dir: path2.join(work, "artifacts"), log: core_exports },
      runHeadSha
    );
    for (const p of fetched.problems) warning(p);
    return fetched.source;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    error(reason);
    return missingSource(reason);
  }
}
function missingSource(reason) {
  return { find: async (query) => ({ files: [], emptyReason: query.artifact === void 0 ? `no artifact to read "${query.path}" from: ${reason}` : reason }) };
}

// src/action/base.ts
function baseOf(context, reading) {
  const { what } = reading;
  switch (what.kind) {
    case "pull": {
      const baseSha = what.baseSha ?? reading.base?.sha;
      return { kind: "merge-base", ref: what.ref, ...baseSha !== void 0 && { baseSha } };
    }
    case "merge-group":
      if (context.mergeGroup?.baseSha) return { kind: "sha", sha: context.mergeGroup.baseSha, how: "the base commit of the merge group (base_sha)" };
      return { kind: "first-parent", how: "the first parent of the merge group commit" };
    case "branch":
      if (context.before) return { kind: "sha", sha: context.before, how: "the commit before the push (before)" };
      return { kind: "first-parent", how: "the first parent of the pushed commit" };
    case "commit":
      return { kind: "first-parent", how: "the first parent of the commit" };
  }
}

// src/action/history.ts
var BASELINE_DEPTH = 10;
var BASELINE_DEPTH_MAX = 50;
var TRUSTED_APP = "github-actions";
var PER_PAGE = 100;
function requestCap(depth) {
  return 3 * depth + 5;
}
async function findBaseline(octokit, context, reading, checkName, options2) {
  const api = new Api(octokit, context, options2.maxRequests ?? requestCap(options2.depth));
  const walk = [];
  const warnings = [];
  const branch = reading.branch;
  const done = (reason) => ({ reason: `no baseline: ${reason}`, walk, apiCalls: api.calls, warnings });
  let start;
  try {
    start = await baseCommit(api, context, reading);
  } catch (err) {
    return done(failure(err, "the base commit could not be determined", api));
  }
  let sha = start.sha;
  let parent = start.parent;
  const seen = /* @__PURE__ */ new Set();
  for (let back = 0; ; back++) {
    seen.add(sha);
    let at;
    try {
      at = await verdictOn(api, sha, checkName, options2.trustedApps);
    } catch (err) {
      walk.push(`${short2(sha)}: the check runs could not be read`);
      return done(failure(err, `the check runs of ${short2(sha)} could not be read`, api));
    }
    walk.push(`${short2(sha)}: ${at.line}`);
    warnings.push(...at.warnings);
    if (at.digest) {
      const where = back === 0 ? "on that commit" : `found ${back} commit${back === 1 ? "" : "s"} back`;
      return {
        // the branch the base verdict was made for (a new branch's first push finds its parent branch's)
        baseline: { digest: at.digest, label: `${at.digest.branch ?? branch ?? "base"} @ ${short2(sha)}`, how: `${start.how}, ${where}` },
        walk,
        apiCalls: api.calls,
        warnings
      };
    }
    const record = `verdicts are recorded on every push to ${branch ?? "the base branch"}`;
    if (back >= options2.depth) {
      const ancestors = options2.depth === 0 ? " (input baseline-depth is 0: no ancestor is looked at)" : ` or its ${options2.depth} ancestor${options2.depth === 1 ? "" : "s"}`;
      return done(`no ${checkName} verdict on ${short2(start.sha)}${ancestors}; ${record}`);
    }
    try {
      parent ??= await firstParent(api, sha);
    } catch (err) {
      return done(failure(err, `the parent of ${short2(sha)} could not be read`, api));
    }
    if (parent === void 0 || seen.has(parent)) {
      const ancestors = back === 0 ? " (the first commit of the history)" : ` or its ${back} ancestor${back === 1 ? "" : "s"} (the history begins at ${short2(sha)})`;
      return done(`no ${checkName} verdict on ${short2(start.sha)}${ancestors}; ${record}`);
    }
    sha = parent;
    parent = void 0;
  }
}
async function baseCommit(api, context, reading) {
  const base = baseOf(context, reading);
  switch (base.kind) {
    case "merge-base": {
      const { baseSha } = base;
      try {
        const { data } = await api.call(
          () => api.octokit.rest.repos.compareCommitsWithBasehead({ ...api.repo, basehead: `${baseSha ?? base.ref}...${context.headSha}`, per_page: 1 })
        );
        const mergeBase2 = data.merge_base_commit;
        return { sha: mergeBase2.sha, how: "the merge base of the pull request (compare API)", ...mergeBase2.parents[0] && { parent: mergeBase2.parents[0].sha } };
      } catch (err) {
        if (err instanceof CapReached || baseSha === void 0) throw err;
        return { sha: baseSha, how: `the base commit of the pull request (the compare API failed: ${errorText(err)})` };
      }
    }
    case "sha":
      return { sha: base.sha, how: base.how };
    case "first-parent":
      return { sha: await requiredParent(api, context.headSha), how: base.how };
  }
}
async function requiredParent(api, sha) {
  const parent = await firstParent(api, sha);
  if (parent === void 0) throw new NoParent(`${short2(sha)} has no parent (the first commit of the repository)`);
  return parent;
}
async function firstParent(api, sha) {
  const { data } = await api.call(() => api.octokit.rest.git.getCommit({ ...api.repo, commit_sha: sha }));
  return data.parents[0]?.sha;
}
async function verdictOn(api, sha, checkName, trustedApps) {
  const runs = [];
  for (let page = 1; page <= 2; page++) {
    const { data } = await api.call(() => api.octokit.rest.checks.listForRef({ ...api.repo, ref: sha, check_name: checkName, filter: "latest", per_page: PER_PAGE, page }));
    runs.push(...data.check_runs);
    if (data.check_runs.length < PER_PAGE || runs.length >= data.total_count) break;
  }
  const candidates = runs.filter((r) => r.name === checkName).sort((a, b) => (b.completed_at ?? "").localeCompare(a.completed_at ?? "") || b.id - a.id);
  if (candidates.length === 0) return { line: `no ${checkName} check run`, warnings: [] };
  const trusted = new Set(trustedApps.map((a) => a.toLowerCase()));
  const notes = [];
  const warnings = [];
  for (const run of candidates) {
    const which = `check run ${run.id}`;
    const slug = run.app?.slug ?? "";
    if (run.head_sha.toLowerCase() !== sha.toLowerCase()) notes.push(`${which} is on another commit, ignored`);
    else if (run.status !== "completed") notes.push(`${which} is not completed, ignored`);
    else if (!trusted.has(slug.toLowerCase())) notes.push(`${which} is by the app ${shown(slug)}, not a trusted app (input baseline-apps), ignored`);
    else {
      const decoded = decodeDigest(run.output.text);
      if (decoded === void 0) notes.push(`${which} holds no verdict digest (its policy had errors, or an older release-gate wrote it), not a base`);
      else if ("error" in decoded) {
        notes.push(`${which}: digest refused: ${decoded.error}`);
        warnings.push(`the ${checkName} check run ${run.id} on ${short2(sha)} is not used as the base: ${decoded.error}`);
      } else if (decoded.digest.commit?.toLowerCase() !== sha.toLowerCase()) {
        const error2 = `its verdict digest is ${decoded.digest.commit === void 0 ? "of no commit" : `of commit ${short2(decoded.digest.commit)}`}, not of ${short2(sha)}`;
        notes.push(`${which}: digest refused: ${error2}`);
        warnings.push(`the ${checkName} check run ${run.id} on ${short2(sha)} is not used as the base: ${error2}`);
      } else {
        notes.push(`verdict found (${which})`);
        return { line: notes.join("; "), digest: decoded.digest, warnings };
      }
    }
  }
  return { line: notes.join("; "), warnings };
}
var Api = class {
  constructor(octokit, context, cap) {
    this.octokit = octokit;
    this.cap = cap;
    this.repo = { owner: context.owner, repo: context.repo };
  }
  octokit;
  cap;
  calls = 0;
  repo;
  async call(request) {
    if (this.calls >= this.cap) throw new CapReached(`the lookup stopped at its cap of ${this.cap} API requests`);
    this.calls++;
    return request();
  }
};
var CapReached = class extends Error {
};
var NoParent = class extends Error {
};
function failure(err, what, api) {
  if (err instanceof CapReached || err instanceof NoParent) return err.message;
  const status = httpStatus(err);
  const fix = status === 403 ? "; the token needs checks: read and contents: read" : "";
  return `${what} (${errorText(err)}) after ${api.calls} API request${api.calls === 1 ? "" : "s"}${fix}`;
}
function errorText(err) {
  const status = httpStatus(err);
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 200);
  return status === void 0 ? message : `HTTP ${status}: ${message}`;
}
function shown(slug) {
  return slug === "" ? "(none)" : slug.replace(/[^A-Za-z0-9._-]/g, "?").slice(0, 60);
}
function short2(sha) {
  return sha.slice(0, 7);
}

// src/action/changes.ts
var PULL_FILES_LISTED = 3e3;
var COMPARE_FILES_LISTED = 300;
var FETCH_HISTORY_DEPTH = 100;
var PER_PAGE2 = 100;
var HISTORY_FIX = "check out with actions/checkout fetch-depth: 0, or set the input fetch-history: true";
async function findChanges(octokit, context, reading, options2) {
  const base = baseOf(context, reading);
  const log = [];
  const cwd = options2.workspace;
  const repository = cwd ? await repositoryFiles(cwd) : void 0;
  const withRepository = (change) => repository && change.changes ? { ...change, repository } : change;
  let localWhy = "no workspace (GITHUB_WORKSPACE is not set)";
  if (cwd) {
    let local = await fromCheckout(cwd, context, reading, base);
    if ("fetch" in local && local.fetch && options2.fetchHistory > 0) {
      const shallow = await isShallow(cwd);
      const fetched = await fetchCommits(cwd, local.fetch, shallow ? options2.fetchHistory : 0);
      log.push(
        fetched.ok ? `fetched ${shallow ? `${options2.fetchHistory} commits of history behind ` : ""}${local.fetch.map(short3).join(", ")} (input fetch-history)` : `fetching ${local.fetch.map(short3).join(", ")} failed (input fetch-history): ${fetched.message}`
      );
      if (fetched.ok) local = await fromCheckout(cwd, context, reading, base);
    }
    if ("change" in local) {
      if (local.change.changes) return { change: withRepository(local.change), via: "git", apiCalls: 0, log };
      localWhy = local.change.reason ?? "git diff failed";
    } else localWhy = local.why;
  }
  log.push(`the local checkout: ${localWhy}`);
  const api = new Api2(octokit, context);
  let found;
  try {
    found = reading.what.kind === "pull" ? await fromPullFiles(api, context, reading.what.numbers[0]) : await fromCompare(api, context, base);
  } catch (err) {
    const status = httpStatus(err);
    const permission = reading.what.kind === "pull" ? "pull-requests: read" : "contents: read";
    const fix = status === 403 || status === 404 ? `; grant the job permissions: ${permission}, or ${HISTORY_FIX}` : `; ${HISTORY_FIX}`;
    found = { change: { reason: `the change is not known: ${localWhy}, and the API failed (${errorText2(err)})${fix}` }, via: "none" };
  }
  if (found.change.changes?.incomplete !== void 0) {
    found.change.changes.incomplete = `${found.change.changes.incomplete} (the local checkout could not be used: ${localWhy}; ${HISTORY_FIX})`;
  }
  return { change: withRepository(found.change), via: found.via, apiCalls: api.calls, log };
}
async function fromCheckout(cwd, context, reading, base) {
  const head = await headCommit(cwd);
  if (head === void 0) return { why: `the workspace is not a git checkout` };
  const judged = context.headSha.toLowerCase();
  const shallow = await isShallow(cwd);
  const cut = shallow ? " (a shallow clone)" : "";
  if (base.kind === "merge-base" && head !== judged) {
    const parents = await parentsNamed(cwd, head);
    if (parents?.length === 2 && parents[1] === judged) {
      const first = parents[0];
      if (!await hasCommit(cwd, first)) return { why: `the checkout is the merge commit ${short3(head)} of the pull request, but its first parent ${short3(first)} is not in the clone${cut}`, fetch: [head] };
      return { change: await changesBetween(cwd, first, head, `git diff ${short3(first)}..${short3(head)} (the merge commit of #${prNumber(reading)} and its first parent)`) };
    }
  }
  const to = head === judged ? head : await hasCommit(cwd, judged) ? judged : void 0;
  if (to === void 0) return { why: `the checkout (HEAD ${short3(head)}) is not ${short3(judged)}${base.kind === "merge-base" ? " nor its merge commit" : ""}, which is not in the clone${cut}`, fetch: [judged] };
  if (base.kind === "first-parent") {
    const first = (await parentsNamed(cwd, to))?.[0];
    if (first === void 0) return { why: `${short3(to)} has no parent (the first commit of the repository)` };
    if (!await hasCommit(cwd, first)) return { why: `the first parent ${short3(first)} of ${short3(to)} is not in the clone${cut}`, fetch: [to] };
    return { change: await changesBetween(cwd, first, to, `git diff ${short3(first)}..${short3(to)} (${base.how})`) };
  }
  const from = base.kind === "sha" ? base.sha : base.baseSha;
  if (from === void 0) return { why: `the base commit of the pull request into ${base.kind === "merge-base" ? base.ref : ""} is not known` };
  if (!await hasCommit(cwd, from)) return { why: `the base ${short3(from)} is not in the clone${cut}`, fetch: [from, to] };
  const mb = await mergeBase(cwd, from, to);
  if (mb === void 0) {
    return shallow ? { why: `the clone's history does not reach the merge base of ${short3(from)} and ${short3(to)} (a shallow clone)`, fetch: [from, to] } : { why: `${short3(from)} and ${short3(to)} have no common ancestor` };
  }
  const what = base.kind === "sha" ? base.how : `the base of #${prNumber(reading)}`;
  return { change: await changesBetween(cwd, mb, to, `git diff ${short3(mb)}..${short3(to)} (${mb === from ? what : `the merge base with ${what}`})`) };
}
async function fromPullFiles(api, context, number) {
  const { data: pr } = await api.call(() => api.octokit.rest.pulls.get({ ...api.repo, pull_number: number }));
  if (pr.head.sha.toLowerCase() !== context.headSha.toLowerCase()) {
    return { change: { reason: `the change is not known: pull request #${number}'s head is now ${short3(pr.head.sha)}, not the commit judged ${short3(context.headSha)}, so its files API describes another change; ${HISTORY_FIX}` }, via: "none" };
  }
  const listed = [];
  const pages = api.octokit.paginate.iterator(api.octokit.rest.pulls.listFiles, { ...api.repo, pull_number: number, per_page: PER_PAGE2 });
  const iterator = pages[Symbol.asyncIterator]();
  for (; ; ) {
    const page = await iterator.next();
    if (page.done) break;
    api.calls++;
    listed.push(...page.value.data);
    if (listed.length >= PULL_FILES_LISTED) break;
  }
  const changed = pr.changed_files;
  const source = `the GitHub API's file list of pull request #${number}`;
  const changes = changesFromApi(listed.slice(0, PULL_FILES_LISTED), source);
  if (changed > changes.files.size) {
    changes.incomplete = `GitHub lists ${changes.files.size} of the ${changed} files pull request #${number} changes${changed > PULL_FILES_LISTED ? ` (its files API stops at ${PULL_FILES_LISTED.toLocaleString("en-US")})` : ""}`;
  }
  return { change: { changes }, via: "pull-files" };
}
async function fromCompare(api, context, base) {
  let from;
  let how;
  if (base.kind === "first-parent") {
    const { data: data2 } = await api.call(() => api.octokit.rest.git.getCommit({ ...api.repo, commit_sha: context.headSha }));
    const first = data2.parents[0]?.sha;
    if (first === void 0) return { change: { reason: `the change is not known: ${short3(context.headSha)} has no parent (the first commit of the repository)` }, via: "none" };
    from = first;
    how = base.how;
  } else if (base.kind === "sha") {
    from = base.sha;
    how = base.how;
  } else {
    from = base.baseSha ?? base.ref;
    how = `the base of the pull request`;
  }
  const { data } = await api.call(() => api.octokit.rest.repos.compareCommitsWithBasehead({ ...api.repo, basehead: `${from}...${context.headSha}`, per_page: 1 }));
  const source = `the compare API, ${short3(from)}...${short3(context.headSha)}: ${how}`;
  if (data.files === void 0) return { change: { reason: `the change is not known: ${source} listed no files; ${HISTORY_FIX}` }, via: "none" };
  const changes = changesFromApi(data.files, source);
  if (data.files.length >= COMPARE_FILES_LISTED) changes.incomplete = `the compare API lists at most ${COMPARE_FILES_LISTED} files, and listed ${data.files.length}: there may be more`;
  return { change: { changes }, via: "compare" };
}
function changesFromApi(listed, source) {
  const files = /* @__PURE__ */ new Map();
  for (const f of listed) {
    const file = fileFromApi(f);
    const earlier = files.get(file.path);
    if (earlier) {
      earlier.linesKnown &&= file.linesKnown;
      earlier.lines = [.../* @__PURE__ */ new Set([...earlier.lines, ...file.lines])].sort((a, b) => a - b);
    } else files.set(file.path, file);
  }
  return { files, source };
}
function fileFromApi(f) {
  const status = f.status === "added" || f.status === "copied" ? "added" : f.status === "removed" ? "deleted" : f.status === "renamed" ? "renamed" : "modified";
  const file = { path: f.filename, status, lines: [], linesKnown: true };
  if (f.previous_filename !== void 0 && status === "renamed") file.oldPath = f.previous_filename;
  if (status === "deleted") return file;
  if (typeof f.patch === "string" && f.patch !== "") {
    try {
      const parsed = parseUnifiedDiff(`--- a/f
+++ b/f
${f.patch}
`, "patch").files.get("f");
      if (parsed) file.lines = parsed.lines;
      else file.linesKnown = false;
    } catch (err) {
      if (!(err instanceof DiffError)) throw err;
      file.linesKnown = false;
    }
    return file;
  }
  if (f.additions === 0) {
    if (f.deletions === 0 && (status === "added" || status === "modified")) file.status = "binary";
    return file;
  }
  file.linesKnown = false;
  return file;
}
var Api2 = class {
  constructor(octokit, context) {
    this.octokit = octokit;
    this.repo = { owner: context.owner, repo: context.repo };
  }
  octokit;
  calls = 0;
  repo;
  async call(request) {
    this.calls++;
    return request();
  }
};
function prNumber(reading) {
  return reading.what.kind === "pull" ? reading.what.numbers.join(", #") : "?";
}
function errorText2(err) {
  const status = httpStatus(err);
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, 200);
  return status === void 0 ? message : `HTTP ${status}: ${message}`;
}
function short3(sha) {
  return /^[0-9a-f]{40}/i.test(sha) ? sha.slice(0, 7) : sha;
}

// src/action/inputs.ts
function readInputs() {
  const comment2 = getInput("comment") || "auto";
  if (!["auto", "always", "on-failure", "never"].includes(comment2)) throw new Error(`input comment must be auto, always, on-failure or never (got "${comment2}")`);
  const policyRef = getInput("policy-ref") || "base";
  if (policyRef !== "base" && policyRef !== "head") throw new Error(`input policy-ref must be base or head (got "${policyRef}")`);
  const runId = getInput("run-id");
  if (runId && !/^\d+$/.test(runId)) throw new Error(`input run-id must be a run's number (got "${runId}")`);
  const baseline = (getInput("baseline") || "true").toLowerCase();
  if (baseline !== "true" && baseline !== "false") throw new Error(`input baseline must be true or false (got "${baseline}")`);
  const depth = getInput("baseline-depth") || String(BASELINE_DEPTH);
  if (!/^\d{1,3}$/.test(depth) || Number(depth) > BASELINE_DEPTH_MAX) throw new Error(`input baseline-depth must be a number of commits from 0 to ${BASELINE_DEPTH_MAX} (got "${depth}")`);
  const apps = getInput("baseline-apps").split(/[\s,]+/).filter(Boolean);
  for (const app of apps) if (!/^[a-z0-9][a-z0-9-]{0,99}$/i.test(app)) throw new Error(`input baseline-apps must list GitHub App slugs (letters, digits and dashes), separated by commas or new lines (got "${app.slice(0, 100)}")`);
  const fetchHistory = (getInput("fetch-history") || "false").toLowerCase();
  if (!/^(?:true|false|\d{1,6})$/.test(fetchHistory)) throw new Error(`input fetch-history must be true, false or a number of commits (got "${fetchHistory.slice(0, 100)}")`);
  const inputs = {
    policy: getInput("policy") || ".github/release-gate.yml",
    token: getInput("token"),
    comment: comment2,
    policyRef,
    fail: (getInput("fail") || "true").toLowerCase() !== "false",
    baseline: baseline === "true",
    baselineDepth: Number(depth),
    // the list replaces the default: with an App token, the check runs any workflow's GITHUB_TOKEN can write are not trusted
    baselineApps: apps.length > 0 ? [...new Set(apps.map((a) => a.toLowerCase()))] : [TRUSTED_APP],
    fetchHistory: fetchHistory === "true" ? FETCH_HISTORY_DEPTH : fetchHistory === "false" ? 0 : Number(fetchHistory),
    attestationSubjects: getInput("attestation-subjects").split("\n").map((l) => l.trim()).filter(Boolean)
  };
  if (getInput("evidence-dir")) inputs.evidenceDir = getInput("evidence-dir");
  if (runId) inputs.runId = Number(runId);
  if (getInput("profile")) inputs.profile = getInput("profile");
  if (getInput("check-name")) inputs.checkName = getInput("check-name");
  return inputs;
}

// src/action/policy-source.ts
import { readFile } from "node:fs/promises";
import path3 from "node:path";

// src/policy/diff.ts
function diffPolicies(base, head) {
  const baseById = new Map(base.criteria.map((c) => [c.id, c]));
  const headById = new Map(head.criteria.map((c) => [c.id, c]));
  const change = {
    added: head.criteria.filter((c) => !baseById.has(c.id)).map((c) => c.id),
    removed: base.criteria.filter((c) => !headById.has(c.id)).map((c) => c.id),
    loosened: [],
    waivers: waiverChanges(base, head)
  };
  const lowered = (what, before, after) => {
    if (before !== void 0 && (after === void 0 || after < before)) change.loosened.push(`${what}: ${before} \u2192 ${after ?? "none"}`);
  };
  lowered("min-score", base.minScore, head.minScore);
  for (const profile of base.profiles) {
    const now = head.profiles.find((p) => p.name === profile.name);
    if (!now) change.loosened.push(`profile ${profile.name}: removed`);
    else lowered(`profile ${profile.name} min-score`, profile.minScore, now.minScore);
  }
  for (const before of base.criteria) {
    const after = headById.get(before.id);
    if (after) change.loosened.push(...loosenedCriterion(before, after).map((what) => `${before.id}: ${what}`));
  }
  return change;
}
function loosenedCriterion(before, after) {
  const out = [];
  if (before.required && !after.required) out.push("required \u2192 optional");
  if (after.weight < before.weight) out.push(`weight ${before.weight} \u2192 ${after.weight}`);
  if (before.maxAgeMs !== void 0 && (after.maxAgeMs === void 0 || after.maxAgeMs > before.maxAgeMs)) {
    out.push(`max-age ${before.maxAge} \u2192 ${after.maxAge ?? "none"}`);
  }
  const evidence = (c) => `${c.evidence.artifact !== void 0 ? `${c.evidence.artifact}:` : ""}${c.evidence.path} (${c.evidence.format})`;
  if (evidence(before) !== evidence(after)) out.push(`evidence ${evidence(before)} \u2192 ${evidence(after)}`);
  if (after.profiles !== void 0 && (before.profiles === void 0 || before.profiles.some((p) => !after.profiles.includes(p)))) {
    out.push(`profiles ${before.profiles?.join(", ") ?? "all"} \u2192 ${after.profiles.join(", ")}`);
  }
  if (before.baseline === "required" && after.baseline === "optional") out.push("baseline required \u2192 optional");
  for (const e of before.expect) {
    const candidates = after.expect.filter((x) => x.metric === e.metric && x.expectation.relative === void 0 === (e.expectation.relative === void 0));
    if (candidates.length === 0) out.push(`expectation ${e.metric} "${e.expectation.text}" removed`);
    else if (candidates.every((now) => weaker(e, now))) out.push(`${e.metric} "${e.expectation.text}" \u2192 "${candidates.map((c) => c.expectation.text).join('", "')}"`);
  }
  return out;
}
function weaker(before, after) {
  if (before.expectation.relative || after.expectation.relative) return weakerRelative(before, after);
  const unit = before.unit === "dynamic" ? before.expectation.unit : before.unit;
  const value = (e) => {
    const v = convert(e.expectation.value, e.expectation.unit, unit);
    return typeof v === "number" ? v : Number.NaN;
  };
  const [a, b] = [value(before), value(after)];
  const [opA, opB] = [before.expectation.op, after.expectation.op];
  if (Number.isNaN(a) || Number.isNaN(b)) return before.expectation.text !== after.expectation.text;
  const lower = (op) => op === ">=" || op === ">";
  const upper = (op) => op === "<=" || op === "<";
  if (lower(opA) && lower(opB)) return b < a || b === a && opA === ">" && opB === ">=";
  if (upper(opA) && upper(opB)) return b > a || b === a && opA === "<" && opB === "<=";
  return opA !== opB || a !== b;
}
function weakerRelative(before, after) {
  const a = before.expectation;
  const b = after.expectation;
  if (!a.relative || !b.relative) return true;
  const sameKind = a.relative.kind === b.relative.kind || a.relative.kind === "none" || b.relative.kind === "none";
  if (!sameKind || (a.unit ?? "") !== (b.unit ?? "")) return a.text !== b.text;
  const signed = (e) => e.relative.kind === "none" ? 0 : e.relative.sign * e.value;
  const [x, y] = [signed(a), signed(b)];
  const lower = (op) => op === ">=" || op === ">";
  const upper = (op) => op === "<=" || op === "<";
  if (lower(a.op) && lower(b.op)) return y < x || y === x && a.op === ">" && b.op === ">=";
  if (upper(a.op) && upper(b.op)) return y > x || y === x && a.op === "<" && b.op === "<=";
  return a.op !== b.op || x !== y;
}
function waiverKey(w) {
  const tests = w.tests ? [...w.tests].map((t) => `${t.suite ?? ""}\0${t.name}`).sort().join("") : "*";
  const list = (xs) => xs ? [...xs].sort().join("") : "*";
  return `${w.criterion}${tests}${list(w.rules)}${list(w.fingerprints)}`;
}
function waiverScope(w) {
  const parts = [
    [w.tests?.length, "test"],
    [w.rules?.length, "rule"],
    [w.fingerprints?.length, "fingerprint"]
  ].filter(([n]) => n !== void 0).map(([n, what]) => `${n} ${what}${n === 1 ? "" : "s"}`);
  return parts.length > 0 ? `waiver of ${parts.join(" and ")}` : "waiver";
}
function waiverChanges(base, head) {
  const out = [];
  const before = new Map(base.waivers.map((w) => [waiverKey(w), w]));
  for (const w of head.waivers) {
    const scope = waiverScope(w);
    const was = before.get(waiverKey(w));
    if (!was) out.push(`${w.criterion}: ${scope} added, to ${w.expires} (${w.reason})`);
    else if (w.expires > was.expires) out.push(`${w.criterion}: ${scope} extended ${was.expires} \u2192 ${w.expires}`);
  }
  if (head.waiverMaxDays > base.waiverMaxDays) out.push(`waiver-max-days ${base.waiverMaxDays} \u2192 ${head.waiverMaxDays}`);
  return out;
}

// src/action/policy-source.ts
async function readPolicySource(octokit, context, inputs, wanted) {
  const file = inputs.policy.replace(/^\.\//, "");
  const local = await readFile(path3.resolve(process.env.GITHUB_WORKSPACE ?? ".", file), "utf8").catch(() => void 0);
  const base = inputs.policyRef === "head" ? void 0 : wanted;
  if (!base) {
    if (local === void 0) throw new Error(`policy file ${file} not found in the workspace: check out the repository first (actions/checkout) or set the input policy`);
    return { text: local, file };
  }
  let text;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: context.owner, repo: context.repo, path: file, ref: base.sha ?? base.ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) throw new Error(`${file} on ${base.ref} is not a file`);
    text = Buffer.from(data.content, "base64").toString("utf8");
  } catch (err) {
    if (httpStatus(err) !== 404) throw new Error(`could not read ${file} from the base branch ${base.ref}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (text === void 0) {
    if (local === void 0) throw new Error(`policy file ${file} is neither on the base branch ${base.ref} nor in the workspace`);
    return { text: local, file, note: `${file} is not on the base branch ${base.ref} yet: ${lowerFirst(base.subject)} is judged by the policy it adds.` };
  }
  const source = { text, file, base };
  if (local !== void 0 && local !== text) {
    const [before, after] = [loadPolicy(text, file), loadPolicy(local, file)];
    source.change = before.ok && after.ok ? diffPolicies(before.policy, after.policy) : { added: [], removed: [], loosened: after.ok ? [] : ["the changed policy has errors"], waivers: [] };
  }
  return source;
}
function policySourceNotes(source) {
  const notes = [];
  if (source.note) notes.push(`> [!NOTE]
> ${escapeMarkdown(source.note, 500)}
`);
  if (source.change && source.base) {
    const lines = [`> [!WARNING]
> ${source.base.subject} changes ${codeSpan(source.file)}. It is judged by the policy of the base branch; the change takes effect once merged.`];
    const list = (label, items) => {
      if (items.length > 0) lines.push(`> - ${label}: ${items.map((i) => escapeMarkdown(i, 200)).join("; ")}`);
    };
    list("criteria added", source.change.added);
    list("criteria removed", source.change.removed);
    list("loosened", source.change.loosened);
    list("waivers added or extended (not used until merged)", source.change.waivers);
    notes.push(`${lines.join("\n")}
`);
  }
  return notes;
}
function lowerFirst(text) {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

// src/github/comment.ts
var COMMENT_LIMIT = 65536;
function commentMarker(checkName) {
  return `<!-- release-gate:sticky ${encodeURIComponent(checkName)} -->`;
}
function stamp(c) {
  return `<!-- release-gate:result sha=${c.headSha} run=${c.runId} attempt=${c.runAttempt} -->`;
}
var STAMP = /<!-- release-gate:result sha=([0-9a-f]+) run=(\d+) attempt=(\d+) -->/;
async function upsertStickyComment(octokit, c, currentHeadSha) {
  const marker = commentMarker(c.checkName);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner: c.owner, repo: c.repo, issue_number: c.pullNumber, per_page: 100 });
  const marked = comments.filter((x) => x.body?.includes(marker));
  const who = marked.length > 0 ? await tokenIdentity(octokit) : void 0;
  const ours = who?.identity ? marked.filter((x) => wroteIt(who.identity, x)) : [];
  const existing = ours[0];
  if (currentHeadSha !== void 0 && currentHeadSha !== c.headSha) {
    return { action: "skipped", reason: `the pull request's head is now ${currentHeadSha.slice(0, 7)}; this run is for ${c.headSha.slice(0, 7)}`, ...existing && { url: existing.html_url } };
  }
  const notes = [];
  if (who && !who.identity) {
    warning(logLine(`release-gate cannot tell which earlier comment on #${c.pullNumber} is its own (${who.why}): it posts a new one and adopts none`));
    notes.push(
      `> [!WARNING]
> release-gate could not learn which account its token acts as, so it cannot tell whether the earlier comments with this report's marker are its own: it adopted none of them and posted this one. Only a comment by the account that runs the gate is its report.`
    );
  } else if (who?.identity) {
    const imitations = marked.filter((x) => !ours.includes(x));
    if (imitations.length > 0) {
      const authors = [...new Set(imitations.map((x) => x.user?.login ?? "a deleted account"))];
      warning(logLine(`${imitations.length} comment(s) on #${c.pullNumber} carry release-gate's marker but were written by ${authors.join(", ")}, not by ${who.identity.login}: they are not the gate's report and were not adopted`));
      notes.push(
        `> [!CAUTION]
> ${imitations.length === 1 ? "Another comment" : `${imitations.length} other comments`} on this pull request ${imitations.length === 1 ? "carries" : "carry"} this report's hidden marker but ${imitations.length === 1 ? "was" : "were"} written by ${authors.slice(0, 3).map((a) => escapeMarkdown(a, 60)).join(", ")}${authors.length > 3 ? ` and ${authors.length - 3} more` : ""}, not by ${escapeMarkdown(who.identity.login, 60)}: only this comment is release-gate's report.`
      );
    }
  }
  const head = `${marker}
${stamp(c)}
`;
  const note = notes.map((n) => `${n}

`).join("");
  let body = `${head}${note}${c.body}`;
  if (body.length > COMMENT_LIMIT) body = `${head}${c.body}`;
  if (body.length > COMMENT_LIMIT) throw new Error(`comment body is ${body.length} characters, over GitHub's ${COMMENT_LIMIT}`);
  if (existing) {
    const previous = STAMP.exec(existing.body ?? "");
    if (previous && previous[1] === c.headSha) {
      const [prevRun, prevAttempt] = [Number(previous[2]), Number(previous[3])];
      if (prevRun > c.runId || prevRun === c.runId && prevAttempt > c.runAttempt) {
        return { action: "skipped", reason: `a later run (${prevRun}, attempt ${prevAttempt}) already reported on ${c.headSha.slice(0, 7)}`, url: existing.html_url };
      }
    }
    const updated = await octokit.rest.issues.updateComment({ owner: c.owner, repo: c.repo, comment_id: existing.id, body });
    return { action: "updated", url: updated.data.html_url, id: updated.data.id };
  }
  if (c.updateOnly && !(who && !who.identity)) {
    return { action: "skipped", reason: "no earlier release-gate comment to bring up to date (comment: on-failure, and this run passed)" };
  }
  const created = await octokit.rest.issues.createComment({ owner: c.owner, repo: c.repo, issue_number: c.pullNumber, body });
  return { action: "created", url: created.data.html_url, id: created.data.id };
}
function wroteIt(identity, comment2) {
  const user = comment2.user;
  if (!user) return false;
  if (identity.id !== void 0) return user.id === identity.id;
  return user.login.toLowerCase() === identity.login.toLowerCase();
}
var identities = /* @__PURE__ */ new WeakMap();
function tokenIdentity(octokit) {
  let known = identities.get(octokit);
  if (!known) {
    known = learnIdentity(octokit);
    identities.set(octokit, known);
  }
  return known;
}
async function learnIdentity(octokit) {
  const problems = [];
  try {
    const data = await octokit.graphql("query { viewer { login databaseId } }");
    const { login, databaseId } = data.viewer ?? {};
    if (typeof login === "string" && login !== "") return { identity: { login, ...typeof databaseId === "number" && { id: databaseId } } };
    problems.push("GraphQL viewer: no login in the answer");
  } catch (err) {
    problems.push(`GraphQL viewer: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    if (typeof data.login === "string" && data.login !== "") return { identity: { login: data.login, id: data.id } };
    problems.push("GET /user: no login in the answer");
  } catch (err) {
    problems.push(`GET /user: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { why: problems.join("; ") };
}

// src/render/trim.ts
function fitMarkdown(sections, limit, note) {
  const whole = sections.join("\n");
  if (whole.length <= limit) return whole;
  const kept = [];
  let used = 0;
  let cut = 0;
  let i = 0;
  const reserve = note(99999999).length + 2 + "\n</details>\n".length;
  for (; i < sections.length; i++) {
    const section = sections[i];
    if (used + section.length + 1 <= limit - reserve) {
      kept.push(section);
      used += section.length + 1;
      continue;
    }
    const lines = section.split("\n");
    const partial = [];
    let size = 0;
    for (const line of lines) {
      if (used + size + line.length + 1 > limit - reserve) break;
      partial.push(line);
      size += line.length + 1;
    }
    cut += lines.length - partial.length;
    if (partial.length > 0) {
      let text = partial.join("\n");
      if (text.includes("<details>") && !text.includes("</details>")) text += "\n</details>\n";
      kept.push(text);
    }
    i++;
    break;
  }
  for (; i < sections.length; i++) cut += sections[i].split("\n").length;
  const result = `${kept.join("\n")}

${note(cut)}`;
  return result.length <= limit ? result : result.slice(0, limit);
}

// src/action/publish.ts
var SUMMARY_LIMIT = 1e6;
var FORK_RECIPE = 'This token cannot write checks or comments (a pull request from a fork gets a read-only token). Run release-gate in a separate workflow on `workflow_run` \u2014 see the README recipe "Public repositories with forks" \u2014 to publish the verdict.';
var WriteGuard = class {
  readOnly = false;
  async attempt(what, write) {
    if (this.readOnly) return void 0;
    try {
      return await write();
    } catch (err) {
      if (httpStatus(err) === 403) {
        this.readOnly = true;
        warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}. ${FORK_RECIPE}`);
        return void 0;
      }
      warning(`release-gate could not ${what}: ${err instanceof Error ? err.message : String(err)}`);
      return void 0;
    }
  }
};
async function publish(octokit, context, inputs, writes, request) {
  const published = {};
  const cutNote = (lines) => `_\u2026 ${lines} more lines cut to fit GitHub's size limit; the whole report is in the [job summary](${context.runUrl})._`;
  const check = await writes.attempt(
    "create the check run",
    () => publishCheckRun(octokit, {
      owner: context.owner,
      repo: context.repo,
      name: request.checkName,
      headSha: context.headSha,
      detailsUrl: context.runUrl,
      title: request.title,
      decision: request.decision,
      summary: fitMarkdown([...request.markdownSections.slice(0, 1), ...request.checkNotes ?? [], ...request.markdownSections.slice(1)], CHECK_SUMMARY_LIMIT, cutNote),
      annotations: request.annotations,
      ...request.checkText !== void 0 && { text: request.checkText }
    })
  );
  if (check) {
    published.checkRunId = check.id;
    published.checkRunUrl = check.url;
  }
  const pulls = request.pullRequests;
  const wanted = inputs.comment === "always" || inputs.comment === "auto" && pulls.length > 0 || inputs.comment === "on-failure";
  if (!wanted) return published;
  if (pulls.length === 0) {
    if (inputs.comment !== "auto") info("no pull request for this run: no comment");
    return published;
  }
  const footer = `
<sub>${request.checkName === "release-gate" ? "" : `${escapeMarkdown(request.checkName, 100)} \xB7 `}commit ${codeSpan(context.headSha.slice(0, 7))} \xB7 [run ${context.runId}](${context.runUrl})</sub>
`;
  const body = `${fitMarkdown(request.markdownSections, COMMENT_LIMIT - footer.length - 300, cutNote)}${footer}`;
  for (const pr of pulls) {
    const url = await comment(octokit, context, writes, pr, request.checkName, body, inputs.comment === "on-failure" && request.decision === "pass");
    published.commentUrl ??= url;
  }
  return published;
}
async function comment(octokit, context, writes, pr, checkName, body, updateOnly) {
  let currentHead;
  try {
    currentHead = (await octokit.rest.pulls.get({ owner: context.owner, repo: context.repo, pull_number: pr.number })).data.head.sha;
  } catch (err) {
    warning(`could not read pull request #${pr.number}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const outcome = await writes.attempt(
    "comment on the pull request",
    () => upsertStickyComment(
      octokit,
      { owner: context.owner, repo: context.repo, pullNumber: pr.number, checkName, headSha: context.headSha, runId: context.runId, runAttempt: context.runAttempt, body, updateOnly },
      currentHead
    )
  );
  if (outcome?.action === "skipped") info(logLine(`comment not updated: ${outcome.reason}`));
  return outcome?.url;
}
async function writeSummary(sections) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  let text = fitMarkdown(sections, SUMMARY_LIMIT, (n) => `_\u2026 ${n} more lines cut to fit the 1 MiB job summary; see the JSON report._`);
  if (Buffer.byteLength(text) > 1024 * 1024) text = fitMarkdown(sections, SUMMARY_LIMIT / 4, (n) => `_\u2026 ${n} more lines cut._`);
  await summary.addRaw(text, true).write();
}
function setOutputs(values) {
  setOutput("decision", values.decision);
  setOutput("score", values.score);
  setOutput("passed", values.passed);
  setOutput("failed", values.failed);
  setOutput("missing", values.missing);
  setOutput("not-applicable", values.notApplicable);
  setOutput("waived", values.waived ?? 0);
  setOutput("report", values.report);
  setOutput("metrics", values.metrics);
  setOutput("attestation", values.attestation ?? "");
  setOutput("check-run-id", values.checkRunId ?? "");
  setOutput("check-run-url", values.checkRunUrl ?? "");
  setOutput("comment-url", values.commentUrl ?? "");
  setOutput("baseline", values.baseline ?? "");
}

// src/action/strictest.ts
function strictest(judged) {
  if (judged.length === 0) throw new Error("no reading to choose from");
  const rank = (o) => o.kind !== "verdict" ? [0, 0] : [o.verdict.decision === "fail" ? 1 : 2, o.verdict.score];
  return judged.reduce((worst, j) => {
    const [a, b] = [rank(j.outcome), rank(worst.outcome)];
    return a[0] < b[0] || a[0] === b[0] && a[1] < b[1] ? j : worst;
  });
}

// src/action/index.ts
var UNDETERMINED_SUMMARY = "the branch whose rules apply could not be determined, so the gate fails closed";
async function runAction() {
  let verdict;
  try {
    const inputs = readInputs();
    if (inputs.token) setSecret(inputs.token);
    const payload = process.env.GITHUB_EVENT_PATH ? JSON.parse(await readFile2(process.env.GITHUB_EVENT_PATH, "utf8")) : {};
    const context = readContext(process.env, payload);
    const octokit = createOctokit(inputs.token, context.apiUrl, { warning: (m) => warning(m) });
    const writes = new WriteGuard();
    const plan = await planReadings(octokit, context);
    if (plan.undetermined) error(plan.undetermined, { title: "release-gate" });
    const sources = /* @__PURE__ */ new Map();
    const read = [];
    for (const reading of plan.readings) {
      const key = reading.base && inputs.policyRef === "base" ? `base:${reading.base.sha ?? reading.base.ref}` : "workspace";
      if (!sources.has(key)) sources.set(key, readPolicySource(octokit, context, inputs, reading.base));
      const source2 = await sources.get(key);
      read.push({ reading, source: source2, loaded: loadPolicy(source2.text, source2.file) });
    }
    const policies = read.flatMap((r) => r.loaded.ok ? [r.loaded.policy] : []);
    const checkName = inputs.checkName ?? policies[0]?.name ?? "release-gate";
    const work = path4.join(process.env.RUNNER_TEMP || tmpdir(), `release-gate-${context.runId}-${process.pid}`);
    const source = policies.length === 0 ? void 0 : plan.undetermined ? missingSource(plan.undetermined) : await evidenceSource(octokit, context, inputs, artifactPatterns(policies), work);
    const judged = [];
    const now = /* @__PURE__ */ new Date();
    const changes = /* @__PURE__ */ new Map();
    for (const r of read) {
      const lookup = r.loaded.ok && source ? await lookUpBaseline(octokit, context, inputs, r.reading, checkName, plan.readings.length > 1, now) : void 0;
      const change = r.loaded.ok && source ? await lookUpChange(octokit, context, inputs, r.reading, r.loaded.policy, plan.readings.length > 1, changes) : void 0;
      const outcome2 = r.loaded.ok && source ? await evaluatePolicy(r.loaded.policy, {
        source,
        ...inputs.profile !== void 0 && { profile: inputs.profile },
        ...r.reading.branch !== void 0 && { branch: r.reading.branch },
        now,
        ...lookup && { baseline: lookup },
        ...change && { change }
      }) : { kind: "policy-error", errors: r.loaded.ok ? [] : r.loaded.errors };
      if (plan.undetermined && outcome2.kind === "verdict") outcome2.verdict = { ...outcome2.verdict, decision: "fail", summary: UNDETERMINED_SUMMARY };
      judged.push({ ...r, outcome: outcome2, ...lookup && { lookup } });
    }
    const chosen = strictest(judged);
    const { outcome } = chosen;
    const notes = [...plan.undetermined ? [`> [!CAUTION]
> ${escapeMarkdown(plan.undetermined, 1e3)}
`] : [], ...readingsNote(judged, chosen), ...policySourceNotes(chosen.source)];
    const policyFile = chosen.source.file;
    const reportPath = path4.join(work, "release-gate-report.json");
    await mkdir2(work, { recursive: true });
    if (outcome.kind !== "verdict") {
      const errors = outcome.kind === "policy-error" ? outcome.errors : [{ file: policyFile, line: 1, column: 1, message: outcome.message }];
      const markdown = renderUnusablePolicyMarkdown(errors.map(formatPolicyError));
      const sections2 = [markdown, ...notes];
      const summary2 = outcome.kind === "policy-error" ? `the policy has ${errors.length} error${errors.length === 1 ? "" : "s"}; the gate fails until it is fixed` : outcome.message;
      await writeFile(reportPath, renderNoVerdictJson(errors.map(formatPolicyError), { summary: summary2, profile: inputs.profile }));
      for (const e of errors) error(e.message, { file: e.file, startLine: e.line, startColumn: e.column, title: "release-gate policy" });
      const published2 = await publish(octokit, context, inputs, writes, {
        checkName,
        markdownSections: sections2,
        title: `Failed: the policy has ${errors.length} error${errors.length === 1 ? "" : "s"}`,
        annotations: errors.map((e) => ({ path: e.file, start_line: e.line, end_line: e.line, annotation_level: "failure", title: "policy error", message: e.message })),
        decision: "fail",
        pullRequests: plan.pullRequests
      });
      await writeSummary(sections2);
      setOutputs({ decision: "fail", score: 0, passed: 0, failed: 0, missing: 0, notApplicable: 0, report: reportPath, metrics: "{}", ...published2 });
      setFailed(`release-gate: the policy ${policyFile} has errors`);
      return;
    }
    verdict = outcome.verdict;
    const { decision } = verdict;
    const digest = plan.undetermined ? void 0 : digestFor(verdict, chosen, context, now);
    await writeFile(reportPath, renderJson(verdict, digest));
    const attestation = await writeAttestation(verdict, chosen, context, inputs, work, now);
    const judgedBy = verdict;
    const trend = digest?.trend.at(-1);
    const render = (shown2, withTrend) => {
      const rendered = renderMarkdownSections(judgedBy, { policyPath: policyFile, failuresShown: shown2, now, ...withTrend && trend && { trend } });
      rendered.splice(1, 0, ...notes);
      return rendered;
    };
    const trendInComment = outcome.policy.trendInComment;
    const sections = fitting((shown2) => render(shown2, trendInComment), [FAILURES_IN_COMMENT, 3, 0], CHECK_SUMMARY_LIMIT - 2e3);
    const summarySections = fitting((shown2) => render(shown2, true), [FAILURES_IN_SUMMARY, FAILURES_IN_COMMENT, 3, 0], SUMMARY_LIMIT - 2e3);
    const atFailures = failureAnnotations(verdict, process.env.GITHUB_WORKSPACE ? { workspace: process.env.GITHUB_WORKSPACE } : {});
    const atPatch = patchAnnotations(verdict);
    const checkNotes = [
      ...atFailures.leftOut > 0 ? [`<sub>${atFailures.leftOut} more failing test${atFailures.leftOut === 1 ? " or finding is" : "s or findings are"} not annotated (at most ${FAILURE_ANNOTATIONS_CAP} are); the JSON report lists them.</sub>
`] : [],
      ...atPatch.leftOut > 0 ? [`<sub>${atPatch.leftOut} more range${atPatch.leftOut === 1 ? "" : "s"} of uncovered changed lines ${atPatch.leftOut === 1 ? "is" : "are"} not annotated (at most ${PATCH_ANNOTATIONS_CAP} are); the JSON report lists them.</sub>
`] : []
    ];
    const checkText = digest === void 0 ? void 0 : digestText(digest);
    info(logLine(`${verdict.decision === "pass" ? "PASS" : "FAIL"} score ${verdict.score}% \u2014 ${verdict.summary}`));
    for (const c of verdict.criteria) info(logLine(`  ${c.status.padEnd(7)} ${c.id}: ${c.reason}`));
    const published = await publish(octokit, context, inputs, writes, {
      checkName,
      markdownSections: sections,
      title: checkTitle(verdict),
      annotations: [...annotationsFor(verdict, policyFile), ...atFailures.annotations, ...atPatch.annotations],
      checkNotes,
      ...checkText !== void 0 && { checkText },
      decision: verdict.decision,
      pullRequests: plan.pullRequests
    });
    await writeSummary(summarySections);
    const baseline = chosen.lookup?.baseline?.digest.commit;
    setOutputs({ decision, score: verdict.score, ...verdict.counts, notApplicable: verdict.counts["not-applicable"], report: reportPath, metrics: metricsOutput(verdict), ...baseline && { baseline }, ...attestation && { attestation }, ...published });
    if (decision === "fail") {
      const message = `release-gate failed: ${verdict.summary}`;
      if (inputs.fail) setFailed(message);
      else warning(`${message} (input fail is false: the step passes)`);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    setOutput("decision", "fail");
    if (!verdict) {
      await writeSummary([`### \u274C release-gate: failed \u2014 internal error

${escapeMarkdown(message, 2e3)}
`]).catch(() => void 0);
    }
    setFailed(`release-gate: ${message}`);
  }
}
async function lookUpBaseline(octokit, context, inputs, reading, checkName, several, now) {
  const prefix = several ? `${describeReading(reading, "text")}: ` : "";
  if (!inputs.baseline) {
    const lookup2 = { reason: "no baseline: the lookup is turned off (input baseline: false)", walk: [], apiCalls: 0, warnings: [] };
    info(logLine(`${prefix}${lookup2.reason}`));
    return lookup2;
  }
  const lookup = await findBaseline(octokit, context, reading, checkName, { depth: inputs.baselineDepth, trustedApps: inputs.baselineApps });
  const calls = `${lookup.apiCalls ?? 0} API request${lookup.apiCalls === 1 ? "" : "s"}`;
  if (lookup.baseline) {
    const age = ageText(lookup.baseline.digest.time, now);
    info(logLine(`${prefix}compared with ${lookup.baseline.label}: ${lookup.baseline.how}${age ? `, ${age}` : ""} (${calls})`));
  } else info(logLine(`${prefix}${lookup.reason ?? "no baseline"} (${calls})`));
  for (const line of lookup.walk) info(logLine(`  ${line}`));
  for (const warning2 of lookup.warnings) warning(logLine(warning2), { title: "release-gate baseline" });
  return lookup;
}
async function lookUpChange(octokit, context, inputs, reading, policy, several, found) {
  const asks = policy.criteria.some((c) => c.paths !== void 0 || c.expect.some((e) => e.metric.startsWith("patch.")));
  if (!asks) return { reason: "not looked up: no criterion asks about the change (paths:, or a patch.* expectation)" };
  const key = JSON.stringify([baseOf(context, reading), reading.what.kind === "pull" ? reading.what.numbers[0] : void 0]);
  const cached = found.get(key);
  if (cached) return cached;
  const prefix = several ? `${describeReading(reading, "text")}: ` : "";
  const lookup = (async () => {
    const workspace = process.env.GITHUB_WORKSPACE;
    const result = await findChanges(octokit, context, reading, { fetchHistory: inputs.fetchHistory, ...workspace && { workspace } });
    const { changes, reason } = result.change;
    const calls = result.apiCalls > 0 ? ` (${result.apiCalls} API request${result.apiCalls === 1 ? "" : "s"})` : "";
    if (changes) {
      const n = changes.files.size;
      info(logLine(`${prefix}change: ${n} changed file${n === 1 ? "" : "s"} from ${changes.source}${calls}`));
      if (changes.incomplete !== void 0) warning(logLine(`${prefix}the change may lack files: ${changes.incomplete}`), { title: "release-gate change" });
    } else warning(logLine(`${prefix}${reason ?? "the change is not known"}${calls}`), { title: "release-gate change" });
    for (const line of result.log) info(logLine(`  ${line}`));
    return result.change;
  })();
  found.set(key, lookup);
  return lookup;
}
function digestText(digest) {
  const encoded = encodeDigest(digest);
  if ("error" in encoded) {
    warning(logLine(`no verdict digest is written on the check run: ${encoded.error}`), { title: "release-gate baseline" });
    return void 0;
  }
  if (encoded.dropped.length > 0) info(logLine(`verdict digest: left out to fit: ${encoded.dropped.join(", ")}`));
  return encoded.text;
}
async function writeAttestation(verdict, chosen, context, inputs, work, now) {
  const subjects = await subjectDigests(inputs.attestationSubjects, "input attestation-subjects:", process.env.GITHUB_WORKSPACE || process.cwd());
  if (typeof subjects === "string") {
    error(logLine(`no attestation is written: ${subjects}`), { title: "release-gate attestation" });
    return void 0;
  }
  const statement = attestationOf(verdict, {
    version: package_default.version,
    time: now,
    .../^[0-9a-f]{40,64}$/.test(context.headSha) && { commit: context.headSha },
    repositoryUrl: `${context.serverUrl}/${context.owner}/${context.repo}`,
    policyPath: chosen.source.file,
    policyText: chosen.source.text,
    subjects
  });
  const file = path4.join(work, "release-gate-attestation.json");
  await writeFile(file, `${JSON.stringify(statement, null, 2)}
`);
  return file;
}
function digestFor(verdict, chosen, context, now) {
  if (chosen.outcome.kind !== "verdict") return void 0;
  const previous = chosen.lookup?.baseline?.digest;
  return digestOf(verdict, chosen.outcome.policy, {
    commit: context.headSha,
    ...chosen.reading.branch !== void 0 && { branch: chosen.reading.branch },
    time: now,
    policyText: chosen.source.text,
    ...previous && { previous }
  });
}
function fitting(render, counts, limit) {
  let sections = [];
  for (const shown2 of counts) {
    sections = render(shown2);
    if (sections.reduce((n, s) => n + s.length + 1, 0) <= limit) break;
  }
  return sections;
}
function metricsOutput(verdict) {
  return JSON.stringify(Object.fromEntries(verdict.criteria.map((c) => [c.id, c.metrics])));
}
function readingsNote(judged, chosen) {
  if (judged.length < 2) return [];
  const lines = [`> [!IMPORTANT]
> This commit is judged ${judged.length} ways, and the strictest verdict is the one published:`];
  for (const j of judged) {
    const policy = j.source.base ? `policy of ${codeSpan(j.source.base.ref, 100)}` : "the workspace policy";
    const result = j.outcome.kind === "verdict" ? `${j.outcome.verdict.decision === "pass" ? "\u2705 passed" : "\u274C failed"}, score ${j.outcome.verdict.score}%${j.outcome.verdict.profile ? `, profile ${codeSpan(j.outcome.verdict.profile, 100)}` : ", no profile"}` : "\u274C the policy cannot be used";
    lines.push(`> - ${describeReading(j.reading, "markdown")} (${policy}): ${result}${j === chosen ? " \u2190 published" : ""}`);
    info(logLine(`${describeReading(j.reading, "text")}: ${j.outcome.kind === "verdict" ? `${j.outcome.verdict.decision} ${j.outcome.verdict.score}%${j.outcome.verdict.profile ? ` (profile ${j.outcome.verdict.profile})` : ""}` : "policy error"}${j === chosen ? " \u2190 published" : ""}`));
  }
  return [`${lines.join("\n")}
`];
}

// src/main.ts
await runAction();
