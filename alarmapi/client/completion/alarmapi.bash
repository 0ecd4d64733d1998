# bash completion for the alarmapi command line tool (shipped in the package, and installed
# into share/bash-completion/completions by a wheel install; or: source this file).
_alarmapi()
{
    local cur="${COMP_WORDS[COMP_CWORD]}"
    if [ -z "${_alarmapi_words}" ]; then
        _alarmapi_words="$(alarmapi bash-completion 2>/dev/null)"
    fi
    COMPREPLY=($(compgen -W "${_alarmapi_words}" -- "${cur}"))
    return 0
}
complete -o default -F _alarmapi alarmapi
