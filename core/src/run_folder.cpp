#include "mergelab/run_folder.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"

namespace mergelab {

namespace {

constexpr const char* kLockName = ".mergelab.lock";

std::string errno_text(int code) {
    return std::generic_category().message(code);
}

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1)
        : fd(f) {}
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int release() {
        const int f = fd;
        fd = -1;
        return f;
    }
};

std::vector<std::string> list_names(int dir_fd) {
    std::vector<std::string> names;
    const int dup = ::dup(dir_fd);
    if (dup < 0)
        return names;
    DIR* dir = ::fdopendir(dup);
    if (!dir) {
        ::close(dup);
        return names;
    }
    ::rewinddir(dir);
    while (dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..")
            names.push_back(name);
    }
    ::closedir(dir);
    return names;
}

// A MergeLab temporary file: kept out of copies.
bool is_temporary(const std::string& name) {
    return name.find(".tmp-") != std::string::npos;
}

std::string lock_problem(const struct stat& st) {
    if (!S_ISREG(st.st_mode))
        return std::string("holds ") + kLockName + ", which is " + describe_file_type(st.st_mode) +
               ", not a lock file MergeLab made";
    if (st.st_nlink != 1)
        return std::string("holds ") + kLockName + " with " + std::to_string(st.st_nlink) +
               " hard links; a lock file MergeLab made has one";
    return "";
}

// What a previous run in a folder wrote, as its run.json (or each lane's)
// says: only these are ever removed by --force.
struct Listing {
    std::set<std::string> files;             // relative paths, e.g. "lanes/avg/models/round-001-avg.pt"
    std::set<std::string> folders;           // "models", "lanes", "lanes/avg", "lanes/avg/models"
    std::vector<std::string> remove_files;   // present ones, in the order they go: run.json last
    std::vector<std::string> remove_folders; // deepest first
};

struct Inspected {
    FolderInspection seen;
    Listing listing;
};

// Lists what the run whose run.json is `prefix`run.json wrote, after reading
// and validating that file through the folder descriptor.
void list_run(int dir_fd, const std::string& prefix, const std::string& shown, Listing& out) {
    const auto runs =
        runs_from_json(read_file_at(dir_fd, "run.json", shown + prefix + "run.json", 512u << 20),
                       shown + prefix + "run.json");
    out.files.insert(prefix + "run.json");
    out.files.insert(prefix + "metrics.csv");
    for (const RunResult& run : runs) {
        // A seed of repeats in its own folder, with its own run files.
        const std::string seed = repeat_folder(run);
        const std::string at = prefix + seed;
        if (!seed.empty()) {
            out.folders.insert(at.substr(0, at.size() - 1));
            out.files.insert(at + "run.json");
            out.files.insert(at + "metrics.csv");
        }
        out.folders.insert(at + "models");
        for (const auto& name : model_files_of(run))
            out.files.insert(at + "models/" + name);
    }
}

// A name at `relative` that MergeLab wrote for the run: listed, or a
// temporary file of a listed one left by a killed process.
bool is_listed_file(const Listing& l, const std::string& dir_prefix, const std::string& name) {
    if (l.files.count(dir_prefix + name))
        return true;
    const size_t mark = name.find(".tmp-");
    return mark != std::string::npos && l.files.count(dir_prefix + name.substr(0, mark)) &&
           is_temporary_of(name, name.substr(0, mark));
}

// Checks every entry below `dir_fd` (shown as `prefix`) against the listing,
// never following a link; says what does not belong, or "". Collects what
// --force would remove.
std::string foreign_entry(int dir_fd, const std::string& prefix, Listing& l) {
    for (const auto& name : list_names(dir_fd)) {
        if (prefix.empty() && name == kLockName)
            continue; // checked by the caller
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return "holds " + prefix + name + " (unreadable: " + errno_text(errno) + ")";
        const std::string relative = prefix + name;
        if (S_ISLNK(st.st_mode))
            return "holds a symbolic link, " + relative;
        if (S_ISREG(st.st_mode) && is_listed_file(l, prefix, name)) {
            l.remove_files.push_back(relative);
            continue;
        }
        if (S_ISDIR(st.st_mode) && l.folders.count(relative)) {
            Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (sub.fd < 0)
                return "holds " + relative + " that cannot be opened (" + errno_text(errno) + ")";
            if (std::string why = foreign_entry(sub.fd, relative + "/", l); !why.empty())
                return why;
            l.remove_folders.push_back(relative);
            continue;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
            return "holds " + relative + ", which is " + describe_file_type(st.st_mode);
        return "holds " + relative + ", which MergeLab did not write" +
               (l.files.empty() ? " (there is no run.json of a MergeLab run)" : "");
    }
    return "";
}

Inspected inspect_fd(int dir_fd, const std::string& shown) {
    Inspected out;
    const auto names = list_names(dir_fd);
    struct stat lock {};
    if (::fstatat(dir_fd, kLockName, &lock, AT_SYMLINK_NOFOLLOW) == 0)
        if (std::string why = lock_problem(lock); !why.empty())
            return {{FolderKind::Other, why}, {}};
    bool only_lock = true;
    for (const auto& n : names)
        only_lock = only_lock && n == kLockName;
    if (only_lock)
        return {{FolderKind::Empty, ""}, {}};

    // A previous run is a folder whose run.json (or each lane's) MergeLab
    // wrote and which reads back as a run; nothing else is taken for one.
    Listing& l = out.listing;
    const auto has = [&](const char* name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    try {
        if (has("run.json"))
            list_run(dir_fd, "", shown, l);
        if (has("lanes.json")) {
            lane_names_from_json(read_file_at(dir_fd, "lanes.json", shown + "lanes.json", 16u << 20),
                                 shown + "lanes.json");
            l.files.insert("lanes.json");
        }
        if (has("lanes")) {
            Fd lanes(::openat(dir_fd, "lanes", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            for (const auto& lane : lanes.fd < 0 ? std::vector<std::string>{} : list_names(lanes.fd)) {
                Fd lane_fd(::openat(lanes.fd, lane.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                struct stat st {};
                if (lane_fd.fd < 0 || ::fstatat(lane_fd.fd, "run.json", &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                list_run(lane_fd.fd, "lanes/" + lane + "/", shown, l);
                l.folders.insert("lanes");
                l.folders.insert("lanes/" + lane);
            }
        }
    } catch (const Error& e) {
        // Its message already names the file.
        std::string why = e.what();
        if (why.compare(0, shown.size(), shown) == 0)
            why = why.substr(shown.size());
        return {{FolderKind::Other, "holds " + why + "; it is not taken for a MergeLab run"}, {}};
    }
    if (std::string why = foreign_entry(dir_fd, "", l); !why.empty())
        return {{FolderKind::Other, why}, {}};
    out.seen = {FolderKind::MergeLabRun, ""};
    return out;
}

// Opens the folder holding `relative` (a path inside the run) one
// component at a time without following links, so a link swapped in since
// the inspection leads nowhere; `leaf` gets the last component. -1 on failure.
int open_holder(int dir_fd, const std::string& relative, std::string& leaf) {
    int fd = ::dup(dir_fd);
    size_t start = 0;
    for (size_t slash; fd >= 0 && (slash = relative.find('/', start)) != std::string::npos;
         start = slash + 1) {
        const int next = ::openat(fd, relative.substr(start, slash - start).c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        ::close(fd);
        fd = next;
    }
    leaf = relative.substr(start);
    return fd;
}

// Why nothing can be removed from the folder `relative` ("" for the run
// folder), or "". As root, permissions stop no unlink, but an immutable or
// append-only flag or a read-only mount does, and access(2) reports those.
std::string cannot_remove_in(int dir_fd, const std::string& relative) {
    std::string leaf;
    Fd holder(relative.empty() ? ::dup(dir_fd) : open_holder(dir_fd, relative + "/.", leaf));
    if (holder.fd < 0)
        return errno_text(errno);
    if (::faccessat(holder.fd, ".", W_OK | X_OK, AT_EACCESS) != 0)
        return errno_text(errno);
    return "";
}

std::string cannot_remove_file(int dir_fd, const std::string& relative) {
    std::string leaf;
    Fd holder(open_holder(dir_fd, relative, leaf));
    if (holder.fd < 0)
        return errno_text(errno);
    Fd fd(::openat(holder.fd, leaf.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (fd.fd < 0)
        return errno == ENOENT ? "" : errno_text(errno);
    int flags = 0;
    if (::ioctl(fd.fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
        return "it is immutable or append-only";
    return "";
}

// unlinkat of a path inside the run, through open_holder.
int remove_inside(int dir_fd, const std::string& relative, int flags) {
    std::string leaf;
    Fd holder(open_holder(dir_fd, relative, leaf));
    return holder.fd < 0 ? -1 : ::unlinkat(holder.fd, leaf.c_str(), flags);
}

std::string parent_of(const std::string& relative) {
    const size_t slash = relative.rfind('/');
    return slash == std::string::npos ? "" : relative.substr(0, slash);
}

// Removes what the previous run wrote (the listing, and nothing else), once
// every removal is known to be allowed; run.json goes last.
void clear_run(int dir_fd, const std::string& shown, const Listing& l) {
    std::set<std::string> parents;
    for (const auto& f : l.remove_files)
        parents.insert(parent_of(f));
    for (const auto& d : l.remove_folders)
        parents.insert(parent_of(d));
    for (const auto& dir : parents)
        if (std::string why = cannot_remove_in(dir_fd, dir); !why.empty())
            throw Error(shown + dir + ": cannot remove the previous run's files there (" + why +
                        "); nothing was removed");
    for (const auto& f : l.remove_files)
        if (std::string why = cannot_remove_file(dir_fd, f); !why.empty())
            throw Error(shown + f + ": cannot remove the previous run's file (" + why +
                        "); nothing was removed");
    // Models first, then the folders they leave empty (a folder that still
    // holds something, such as another run's leftover temporary file,
    // stays), each lane's run.json, the lane folders, and the top run.json
    // or lanes.json last: a failure on the way leaves the run readable.
    const auto rank = [](const std::string& f) {
        if (f == "run.json" || f == "lanes.json")
            return 2;
        return f.size() > 9 && f.compare(f.size() - 9, 9, "/run.json") == 0 ? 1 : 0;
    };
    const auto is_models = [](const std::string& d) {
        return d == "models" || (d.size() > 7 && d.compare(d.size() - 7, 7, "/models") == 0);
    };
    const auto remove_files = [&](int which) {
        for (const auto& f : l.remove_files)
            if (rank(f) == which && remove_inside(dir_fd, f, 0) != 0 && errno != ENOENT)
                throw Error(shown + f + ": cannot remove the previous run's file (" + errno_text(errno) +
                            ")");
    };
    const auto remove_folders = [&](bool models) {
        for (const auto& d : l.remove_folders) // deepest first
            if (is_models(d) == models && remove_inside(dir_fd, d, AT_REMOVEDIR) != 0 && errno != ENOTEMPTY &&
                errno != EEXIST && errno != ENOENT)
                throw Error(shown + d + ": cannot remove the previous run's folder (" + errno_text(errno) +
                            ")");
    };
    remove_files(0);
    remove_folders(true);
    remove_files(1);
    remove_folders(false);
    remove_files(2);
}

std::vector<std::string> components(const std::string& relative) {
    std::vector<std::string> parts;
    std::string part;
    for (char ch : relative + "/") {
        if (ch != '/') {
            part += ch;
            continue;
        }
        if (part == "..")
            throw Error(relative + ": a path inside a run may not contain '..'");
        if (!part.empty() && part != ".")
            parts.push_back(part);
        part.clear();
    }
    if (parts.empty() || relative.front() == '/')
        throw Error("'" + relative + "' is not a path inside a run");
    return parts;
}

std::string lock_holder(int lock_fd) {
    char buf[256] = {};
    const ssize_t n = ::pread(lock_fd, buf, sizeof buf - 1, 0);
    std::string text = n > 0 ? std::string(buf, size_t(n)) : std::string();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
        text.pop_back();
    return text.empty() ? "another process" : text;
}

} // namespace

// `dir` without trailing "/" and "/." (which make lstat and O_NOFOLLOW
// look through a link to its target), so the folder itself is examined.
std::string folder_itself(const std::string& dir) {
    std::string d = dir;
    for (;;) {
        if (d.size() > 1 && d.back() == '/')
            d.pop_back();
        else if (d.size() > 2 && d.compare(d.size() - 2, 2, "/.") == 0)
            d.resize(d.size() - 2);
        else
            break;
    }
    return d;
}

namespace {

FolderInspection inspect_path(const std::string& dir, Listing* listing) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        return errno == ENOENT
                   ? FolderInspection{FolderKind::Missing, ""}
                   : FolderInspection{FolderKind::Other, "cannot be examined (" + errno_text(errno) + ")"};
    if (S_ISLNK(st.st_mode))
        return {FolderKind::Other, "is a symbolic link"};
    if (!S_ISDIR(st.st_mode))
        return {FolderKind::Other, "is " + describe_file_type(st.st_mode) + ", not a folder"};
    // "link/.." names the link's target's parent.
    if (dir == ".." || (dir.size() > 3 && dir.compare(dir.size() - 3, 3, "/..") == 0)) {
        struct stat up {};
        if (::lstat(dir.substr(0, dir.size() - 3).c_str(), &up) == 0 && S_ISLNK(up.st_mode))
            return {FolderKind::Other, "is reached through a symbolic link"};
    }
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.fd < 0)
        return {FolderKind::Other, "cannot be opened (" + errno_text(errno) + ")"};
    Inspected seen = inspect_fd(fd.fd, dir + "/");
    if (listing)
        *listing = std::move(seen.listing);
    return seen.seen;
}

} // namespace

FolderInspection inspect_run_folder(const std::string& dir) {
    return inspect_path(folder_itself(dir), nullptr);
}

RunFolder::RunFolder(std::string path, int dir_fd, int lock_fd)
    : path_(std::move(path))
    , dir_fd_(dir_fd)
    , lock_fd_(lock_fd) {}

RunFolder::~RunFolder() {
    if (lock_fd_ >= 0)
        ::close(lock_fd_); // releases the flock
    if (dir_fd_ >= 0)
        ::close(dir_fd_);
}

int RunFolder::open_parent(const std::string& relative, std::string& leaf) const {
    const auto parts = components(relative);
    leaf = parts.back();
    int fd = dir_fd_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        const int next = ::openat(fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const int err = errno;
        if (fd != dir_fd_)
            ::close(fd);
        if (next < 0)
            throw Error(
                path_ + "/" + relative + ": cannot open its folder " + parts[i] + " (" +
                (err == ELOOP || err == ENOTDIR ? "a symbolic link or not a folder" : errno_text(err)) + ")");
        fd = next;
    }
    return fd;
}

void RunFolder::write_with(const std::string& relative, const std::function<void(int fd)>& fill) {
    std::string leaf;
    Fd parent_holder;
    const int parent = open_parent(relative, leaf);
    if (parent != dir_fd_)
        parent_holder.fd = parent;
    write_atomically_at(parent, leaf, path_ + "/" + relative, fill);
}

void RunFolder::write_file(const std::string& relative, const std::string& contents) {
    write_with(relative, [&](int fd) { write_all(fd, contents.data(), contents.size()); });
}

void RunFolder::remove_file(const std::string& relative) {
    std::string leaf;
    Fd parent_holder;
    const int parent = open_parent(relative, leaf);
    if (parent != dir_fd_)
        parent_holder.fd = parent;
    if (::unlinkat(parent, leaf.c_str(), 0) != 0 && errno != ENOENT)
        throw Error(path_ + "/" + relative + ": cannot remove (" + errno_text(errno) + ")");
}

void RunFolder::make_folder(const std::string& relative) {
    int fd = dir_fd_;
    for (const auto& part : components(relative)) {
        if (::mkdirat(fd, part.c_str(), 0777) != 0 && errno != EEXIST)
            throw Error(path_ + "/" + relative + ": cannot create (" + errno_text(errno) + ")");
        const int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const int err = errno;
        if (fd != dir_fd_)
            ::close(fd);
        if (next < 0)
            throw Error(
                path_ + "/" + relative + ": cannot open (" +
                (err == ELOOP || err == ENOTDIR ? "a symbolic link or not a folder" : errno_text(err)) + ")");
        fd = next;
    }
    if (fd != dir_fd_)
        ::close(fd);
}

bool RunFolder::exists(const std::string& relative) const {
    std::string leaf;
    try {
        Fd parent_holder;
        const int parent = open_parent(relative, leaf);
        if (parent != dir_fd_)
            parent_holder.fd = parent;
        struct stat st {};
        return ::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    } catch (const Error&) {
        return false;
    }
}

namespace {

// Who holds the folder's lock, or "" when nobody does (a lock left by a
// killed process is free: flock ends with its holder). O_NONBLOCK: a FIFO
// planted as the lock must not stop us; it is refused as not a lock.
std::string lock_holder_of(const std::string& dir) {
    Fd lock(::open((dir + "/" + kLockName).c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat st {};
    if (lock.fd < 0 || ::fstat(lock.fd, &st) != 0 || !lock_problem(st).empty())
        return "";
    if (::flock(lock.fd, LOCK_SH | LOCK_NB) == 0)
        return "";
    return lock_holder(lock.fd);
}

// `locked`: the caller holds the lock itself, so nobody else can.
std::string refusal(const std::string& dir, const FolderInspection& seen, bool force, bool locked = false) {
    if (const std::string holder = locked ? "" : lock_holder_of(dir); !holder.empty())
        return dir + ": another run is writing this folder (" + holder +
               "); wait for it or choose another folder";
    if (seen.kind == FolderKind::Other)
        return dir + ": will not write a run here: it " + seen.why + "; choose a new or empty folder";
    if (seen.kind == FolderKind::MergeLabRun && !force)
        return dir + ": holds a previous MergeLab run; choose a new folder, or --force to replace that run";
    return "";
}

} // namespace

void check_run_folder(const std::string& given, bool force) {
    if (given.empty())
        throw UsageError("--out must name a folder, got an empty path");
    const std::string dir = folder_itself(given);
    const std::string why = refusal(dir, inspect_path(dir, nullptr), force);
    if (!why.empty())
        throw Error(why);
}

// `continuing`: the folder must already hold a run, which is kept.
std::unique_ptr<RunFolder> detail::claim_folder(const std::string& given, bool force, bool continuing) {
    if (given.empty())
        throw UsageError("--out must name a folder, got an empty path");
    const std::string dir = folder_itself(given);
    const FolderInspection first = inspect_path(dir, nullptr);
    if (continuing && first.kind != FolderKind::MergeLabRun)
        throw Error(dir + ": holds no MergeLab run to continue" +
                    (first.why.empty() ? "" : " (it " + first.why + ")"));
    if (first.kind == FolderKind::Other)
        throw Error(refusal(dir, first, force));
    if (first.kind == FolderKind::Missing) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec)
            throw Error(dir + ": cannot create the run folder (" + ec.message() + ")");
    }
    Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dir_fd.fd < 0)
        throw Error(dir + ": cannot open the run folder (" + errno_text(errno) + ")");
    const bool had_lock = ::faccessat(dir_fd.fd, kLockName, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    // The lock is opened without following a link or waiting on a FIFO, and
    // used only when it is a regular file with one link: anything else (a
    // hard link to a file elsewhere, a FIFO, a device) is never written.
    Fd lock(::openat(dir_fd.fd, kLockName, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644));
    if (lock.fd < 0) {
        const int err = errno;
        struct stat st {};
        if (::fstatat(dir_fd.fd, kLockName, &st, AT_SYMLINK_NOFOLLOW) == 0 && !lock_problem(st).empty())
            throw Error(refusal(dir, {FolderKind::Other, lock_problem(st)}, force, true));
        throw Error(dir + ": cannot create its lock file (" + errno_text(err) + ")");
    }
    struct stat lock_st {};
    if (::fstat(lock.fd, &lock_st) != 0)
        throw Error(dir + ": cannot examine its lock file (" + errno_text(errno) + ")");
    if (const std::string why = lock_problem(lock_st); !why.empty())
        throw Error(refusal(dir, {FolderKind::Other, why}, force, true));
    if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        const std::string holder = lock_holder(lock.fd);
        throw Error(dir + ": another run is writing this folder (" + holder +
                    "); wait for it or choose another folder");
    }
    // Looked at again under the lock: nothing changes it now but a writer
    // that ignores the lock.
    const Inspected now = inspect_fd(dir_fd.fd, dir + "/");
    const auto refuse = [&](const std::string& message) {
        if (!had_lock)
            ::unlinkat(dir_fd.fd, kLockName, 0);
        throw Error(message);
    };
    if (continuing && now.seen.kind != FolderKind::MergeLabRun)
        refuse(dir + ": holds no MergeLab run to continue");
    if (const std::string why = refusal(dir, now.seen, force || continuing, true); !why.empty())
        refuse(why);
    if (now.seen.kind == FolderKind::MergeLabRun && !continuing) {
        logger()->info("replacing the previous run in {}", dir);
        try {
            clear_run(dir_fd.fd, dir + "/", now.listing);
        } catch (const Error& e) {
            refuse(e.what());
        }
    }
    const std::string holder = "process " + std::to_string(::getpid()) + "\n";
    if (::ftruncate(lock.fd, 0) != 0 || ::pwrite(lock.fd, holder.data(), holder.size(), 0) < 0)
        logger()->warn("{}: could not note the lock holder ({})", dir, errno_text(errno));
    return std::unique_ptr<RunFolder>(new RunFolder(dir, dir_fd.release(), lock.release()));
}

std::unique_ptr<RunFolder> claim_run_folder(const std::string& dir, bool force) {
    return detail::claim_folder(dir, force, false);
}

std::unique_ptr<RunFolder> claim_run_folder_to_continue(const std::string& dir) {
    return detail::claim_folder(dir, false, true);
}

void copy_run_folder(const std::string& from, const std::string& to) {
    const FolderInspection source = inspect_run_folder(from);
    if (source.kind != FolderKind::MergeLabRun)
        throw Error(from + ": not a MergeLab run folder" +
                    (source.why.empty() ? "" : " (it " + source.why + ")"));
    const FolderInspection target = inspect_run_folder(to);
    if (target.kind == FolderKind::MergeLabRun)
        throw Error(to + ": holds another MergeLab run; choose a new or empty folder");
    auto out = claim_run_folder(to, false);
    Fd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (src.fd < 0)
        throw Error(from + ": cannot open (" + errno_text(errno) + ")");
    // Depth first through the allowed layout; inspect_run_folder has
    // already refused links and foreign files.
    std::function<void(int, const std::string&)> copy = [&](int dir_fd, const std::string& prefix) {
        for (const auto& name : list_names(dir_fd)) {
            if (name == kLockName || is_temporary(name))
                continue;
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode))
                continue;
            if (S_ISDIR(st.st_mode)) {
                Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.fd < 0)
                    throw Error(from + "/" + prefix + name + ": cannot open (" + errno_text(errno) + ")");
                out->make_folder(prefix + name);
                copy(sub.fd, prefix + name + "/");
                continue;
            }
            Fd file(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (file.fd < 0)
                throw Error(from + "/" + prefix + name + ": cannot open (" + errno_text(errno) + ")");
            out->write_with(prefix + name, [&](int fd) {
                char buf[1 << 16];
                for (;;) {
                    const ssize_t n = ::read(file.fd, buf, sizeof buf);
                    if (n < 0 && errno == EINTR)
                        continue;
                    if (n < 0)
                        throw std::system_error(errno, std::generic_category());
                    if (n == 0)
                        break;
                    write_all(fd, buf, size_t(n));
                }
            });
        }
    };
    copy(src.fd, "");
}

} // namespace mergelab
