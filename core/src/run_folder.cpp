#include "mergelab/run_folder.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <regex>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/log.h"

namespace mergelab {

namespace {

constexpr const char* kLockName = ".mergelab.lock";

std::string errno_text(int code) { return std::generic_category().message(code); }

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
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
    if (dup < 0) return names;
    DIR* dir = ::fdopendir(dup);
    if (!dir) {
        ::close(dup);
        return names;
    }
    ::rewinddir(dir);
    while (dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    return names;
}

// What MergeLab itself puts in a run folder.
bool is_model_file(const std::string& name) {
    static const std::regex pattern(R"(round-\d{3,}-[A-Za-z0-9_+:.=-]+\.pt)");
    return std::regex_match(name, pattern);
}
bool is_temporary(const std::string& name) { return name.find(".tmp-") != std::string::npos; }

// Walks a folder of a run (or a lane) through descriptors, never following
// a link; says what does not belong there, or "" when all of it does.
std::string foreign_entry(int dir_fd, const std::string& shown, int depth, bool& has_run) {
    for (const auto& name : list_names(dir_fd)) {
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return "holds " + shown + name + " (unreadable)";
        if (S_ISLNK(st.st_mode)) return "holds a symbolic link, " + shown + name;
        const bool file = S_ISREG(st.st_mode), folder = S_ISDIR(st.st_mode);
        if (file && (name == "run.json" || name == "lanes.json")) {
            has_run = true;
            continue;
        }
        if (file && (name == "metrics.csv" || name == kLockName || is_temporary(name))) continue;
        if (folder && (name == "models" || (name == "lanes" && depth == 0))) {
            Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (sub.fd < 0) return "holds " + shown + name + " that cannot be opened";
            for (const auto& inner : list_names(sub.fd)) {
                struct stat is {};
                if (::fstatat(sub.fd, inner.c_str(), &is, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(is.st_mode))
                    return "holds a symbolic link or unreadable entry, " + shown + name + "/" + inner;
                if (name == "models") {
                    if (!S_ISREG(is.st_mode) || !(is_model_file(inner) || is_temporary(inner)))
                        return "holds " + shown + "models/" + inner + ", which MergeLab did not write";
                    continue;
                }
                // lanes/METHOD: a run folder of its own.
                if (!S_ISDIR(is.st_mode)) return "holds " + shown + "lanes/" + inner + ", which is not a lane";
                Fd lane(::openat(sub.fd, inner.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                bool lane_run = false;
                const std::string why =
                    lane.fd < 0 ? "holds a lane that cannot be opened"
                                : foreign_entry(lane.fd, shown + "lanes/" + inner + "/", depth + 1, lane_run);
                if (!why.empty()) return why;
            }
            continue;
        }
        return "holds " + shown + name + ", which MergeLab did not write";
    }
    return "";
}

FolderInspection inspect_fd(int dir_fd) {
    const auto names = list_names(dir_fd);
    bool only_lock = true;
    for (const auto& n : names) only_lock = only_lock && n == kLockName;
    if (only_lock) return {FolderKind::Empty, ""};
    bool has_run = false;
    const std::string why = foreign_entry(dir_fd, "", 0, has_run);
    if (!why.empty()) return {FolderKind::Other, why};
    // Models without run.json: a run killed in its first round, still ours.
    return {FolderKind::MergeLabRun, has_run ? "" : "an unfinished run"};
}

// Removes what a previous run wrote (the rule above allows nothing else).
void clear_run(int dir_fd, const std::string& shown) {
    for (const auto& name : list_names(dir_fd)) {
        if (name == kLockName) continue;
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (sub.fd >= 0) clear_run(sub.fd, shown + name + "/");
            if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0)
                throw Error(shown + name + ": cannot remove the previous run's folder (" + errno_text(errno) + ")");
        } else if (::unlinkat(dir_fd, name.c_str(), 0) != 0) {
            throw Error(shown + name + ": cannot remove the previous run's file (" + errno_text(errno) + ")");
        }
    }
}

std::vector<std::string> components(const std::string& relative) {
    std::vector<std::string> parts;
    std::string part;
    for (char ch : relative + "/") {
        if (ch != '/') {
            part += ch;
            continue;
        }
        if (part == "..") throw Error(relative + ": a path inside a run may not contain '..'");
        if (!part.empty() && part != ".") parts.push_back(part);
        part.clear();
    }
    if (parts.empty() || relative.front() == '/') throw Error("'" + relative + "' is not a path inside a run");
    return parts;
}

std::string lock_holder(int lock_fd) {
    char buf[256] = {};
    const ssize_t n = ::pread(lock_fd, buf, sizeof buf - 1, 0);
    std::string text = n > 0 ? std::string(buf, size_t(n)) : std::string();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    return text.empty() ? "another process" : text;
}

} // namespace

FolderInspection inspect_run_folder(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        return errno == ENOENT ? FolderInspection{FolderKind::Missing, ""}
                               : FolderInspection{FolderKind::Other, "cannot be examined (" + errno_text(errno) + ")"};
    if (S_ISLNK(st.st_mode)) return {FolderKind::Other, "is a symbolic link"};
    if (!S_ISDIR(st.st_mode)) return {FolderKind::Other, "is a file, not a folder"};
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.fd < 0) return {FolderKind::Other, "cannot be opened (" + errno_text(errno) + ")"};
    return inspect_fd(fd.fd);
}

RunFolder::RunFolder(std::string path, int dir_fd, int lock_fd)
    : path_(std::move(path)), dir_fd_(dir_fd), lock_fd_(lock_fd) {}

RunFolder::~RunFolder() {
    if (lock_fd_ >= 0) ::close(lock_fd_); // releases the flock
    if (dir_fd_ >= 0) ::close(dir_fd_);
}

int RunFolder::open_parent(const std::string& relative, std::string& leaf) const {
    const auto parts = components(relative);
    leaf = parts.back();
    int fd = dir_fd_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        const int next = ::openat(fd, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const int err = errno;
        if (fd != dir_fd_) ::close(fd);
        if (next < 0)
            throw Error(path_ + "/" + relative + ": cannot open its folder " + parts[i] + " (" +
                        (err == ELOOP || err == ENOTDIR ? "a symbolic link or not a folder" : errno_text(err)) +
                        ")");
        fd = next;
    }
    return fd;
}

void RunFolder::write_with(const std::string& relative, const std::function<void(int fd)>& fill) {
    std::string leaf;
    Fd parent_holder;
    const int parent = open_parent(relative, leaf);
    if (parent != dir_fd_) parent_holder.fd = parent;
    write_atomically_at(parent, leaf, path_ + "/" + relative, fill);
}

void RunFolder::write_file(const std::string& relative, const std::string& contents) {
    write_with(relative, [&](int fd) { write_all(fd, contents.data(), contents.size()); });
}

void RunFolder::remove_file(const std::string& relative) {
    std::string leaf;
    Fd parent_holder;
    const int parent = open_parent(relative, leaf);
    if (parent != dir_fd_) parent_holder.fd = parent;
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
        if (fd != dir_fd_) ::close(fd);
        if (next < 0)
            throw Error(path_ + "/" + relative + ": cannot open (" +
                        (err == ELOOP || err == ENOTDIR ? "a symbolic link or not a folder" : errno_text(err)) + ")");
        fd = next;
    }
    if (fd != dir_fd_) ::close(fd);
}

bool RunFolder::exists(const std::string& relative) const {
    std::string leaf;
    try {
        Fd parent_holder;
        const int parent = open_parent(relative, leaf);
        if (parent != dir_fd_) parent_holder.fd = parent;
        struct stat st {};
        return ::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    } catch (const Error&) {
        return false;
    }
}

namespace {

// Who holds the folder's lock, or "" when nobody does (a lock left by a
// killed process is free: flock ends with its holder).
std::string lock_holder_of(const std::string& dir) {
    Fd lock(::open((dir + "/" + kLockName).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (lock.fd < 0) return "";
    if (::flock(lock.fd, LOCK_SH | LOCK_NB) == 0) return "";
    return lock_holder(lock.fd);
}

// `locked`: the caller holds the lock itself, so nobody else can.
std::string refusal(const std::string& dir, const FolderInspection& seen, bool force, bool locked = false) {
    if (const std::string holder = locked ? "" : lock_holder_of(dir); !holder.empty())
        return dir + ": another run is writing this folder (" + holder + "); wait for it or choose another folder";
    if (seen.kind == FolderKind::Other)
        return dir + ": will not write a run here: it " + seen.why + "; choose a new or empty folder";
    if (seen.kind == FolderKind::MergeLabRun && !force)
        return dir + ": holds a previous MergeLab run; choose a new folder, or --force to replace that run";
    return "";
}

} // namespace

void check_run_folder(const std::string& dir, bool force) {
    if (dir.empty()) throw UsageError("--out must name a folder, got an empty path");
    const std::string why = refusal(dir, inspect_run_folder(dir), force);
    if (!why.empty()) throw Error(why);
}

// `continuing`: the folder must already hold a run, which is kept.
std::unique_ptr<RunFolder> detail::claim_folder(const std::string& dir, bool force, bool continuing) {
    if (dir.empty()) throw UsageError("--out must name a folder, got an empty path");
    const FolderInspection first = inspect_run_folder(dir);
    if (continuing && first.kind != FolderKind::MergeLabRun)
        throw Error(dir + ": holds no MergeLab run to continue" +
                    (first.why.empty() ? "" : " (it " + first.why + ")"));
    if (first.kind == FolderKind::Other) throw Error(refusal(dir, first, force));
    if (first.kind == FolderKind::Missing) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) throw Error(dir + ": cannot create the run folder (" + ec.message() + ")");
    }
    Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dir_fd.fd < 0) throw Error(dir + ": cannot open the run folder (" + errno_text(errno) + ")");
    const bool had_lock = ::faccessat(dir_fd.fd, kLockName, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    Fd lock(::openat(dir_fd.fd, kLockName, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (lock.fd < 0) throw Error(dir + ": cannot create its lock file (" + errno_text(errno) + ")");
    if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        const std::string holder = lock_holder(lock.fd);
        throw Error(dir + ": another run is writing this folder (" + holder + "); wait for it or choose another folder");
    }
    // Looked at again under the lock: nothing changes it now but a writer
    // that ignores the lock.
    const FolderInspection now = inspect_fd(dir_fd.fd);
    const auto refuse = [&](const std::string& message) {
        if (!had_lock) ::unlinkat(dir_fd.fd, kLockName, 0);
        throw Error(message);
    };
    if (continuing && now.kind != FolderKind::MergeLabRun)
        refuse(dir + ": holds no MergeLab run to continue");
    if (const std::string why = refusal(dir, now, force || continuing, true); !why.empty())
        refuse(why);
    if (now.kind == FolderKind::MergeLabRun && !continuing) {
        logger()->info("replacing the previous run in {}", dir);
        clear_run(dir_fd.fd, dir + "/");
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
        throw Error(from + ": not a MergeLab run folder" + (source.why.empty() ? "" : " (it " + source.why + ")"));
    const FolderInspection target = inspect_run_folder(to);
    if (target.kind == FolderKind::MergeLabRun)
        throw Error(to + ": holds another MergeLab run; choose a new or empty folder");
    auto out = claim_run_folder(to, false);
    Fd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (src.fd < 0) throw Error(from + ": cannot open (" + errno_text(errno) + ")");
    // Depth first through the allowed layout; inspect_run_folder has
    // already refused links and foreign files.
    std::function<void(int, const std::string&)> copy = [&](int dir_fd, const std::string& prefix) {
        for (const auto& name : list_names(dir_fd)) {
            if (name == kLockName || is_temporary(name)) continue;
            struct stat st {};
            if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode)) continue;
            if (S_ISDIR(st.st_mode)) {
                Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (sub.fd < 0) throw Error(from + "/" + prefix + name + ": cannot open (" + errno_text(errno) + ")");
                out->make_folder(prefix + name);
                copy(sub.fd, prefix + name + "/");
                continue;
            }
            Fd file(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (file.fd < 0) throw Error(from + "/" + prefix + name + ": cannot open (" + errno_text(errno) + ")");
            out->write_with(prefix + name, [&](int fd) {
                char buf[1 << 16];
                for (;;) {
                    const ssize_t n = ::read(file.fd, buf, sizeof buf);
                    if (n < 0 && errno == EINTR) continue;
                    if (n < 0) throw std::system_error(errno, std::generic_category());
                    if (n == 0) break;
                    write_all(fd, buf, size_t(n));
                }
            });
        }
    };
    copy(src.fd, "");
}

} // namespace mergelab
