// The kavach policy language. Grammar only: no embedded actions. The parse
// tree is turned into an AST in compiler/Parse/AstBuilder.cpp; everything
// that can be checked by name (sections, verbs, actions, constants) is
// checked by Sema so that it gets a did-you-mean, not a parse error.
grammar Kavach;

file : importDecl* topDecl* EOF ;

importDecl : 'import' STRING ';' ;

topDecl : policyDecl | groupDecl ;

// group basic-io { read, write, @other-group, ... }
groupDecl : 'group' name=groupName '{' syscallList? ','? '}' ;

// `default` is a keyword elsewhere but the natural name of the base group.
groupName : IDENT | 'default' ;

policyDecl : 'policy' name=IDENT ('extends' parent=qualifiedName)? '{' policyItem* '}' ;

qualifiedName : IDENT ('.' IDENT)* ;

policyItem
  : onUnsupported                                  # onUnsupportedItem
  | 'seccomp' '{' seccompItem* '}'                 # seccompBlock
  | 'test' '{' expectStmt* '}'                     # testBlock
  | section=IDENT '{' stmt* '}'                    # sectionBlock
  | stmt                                           # policyStmt
  ;

onUnsupported : 'on_unsupported' how=IDENT ';' ;

seccompItem
  : 'default' action ';'                                        # defaultStmt
  | 'unknown' action ';'                                        # unknownStmt
  | 'arch' IDENT (',' IDENT)* ';'                               # archStmt
  | verb=('allow' | 'deny') syscallList ('with' action)? ('if' cond)? ';'  # ruleStmt
  | onUnsupported                                               # seccompOnUnsupported
  ;

syscallList : syscallRef (',' syscallRef)* ;
syscallRef : GROUPREF | syscallName ;

// A syscall name is any identifier, including the keywords that are also
// syscall names (`seccomp`): the keyword only means a section where a
// policy item starts, so `allow seccomp;` and `expect seccomp(1, 0, 0)`
// name the syscall. (test/unit/sema checks that every syscall name of
// every supported architecture parses here.)
syscallName : IDENT | 'seccomp' ;

// kill_process | errno(EPERM) | errno(1) | allow | log | trap | ...
action : name=IDENT ('(' arg=atom ')')? | 'allow' ;

// Conditions, loosest first: ||, &&, !, comparisons, then & (so that
// `arg2 & PROT_EXEC == 0` means `(arg2 & PROT_EXEC) == 0`, unlike C).
cond : cond '||' cond                                          # orCond
     | cond '&&' cond                                          # andCond
     | '!' cond                                                # notCond
     | value op=('==' | '!=' | '<' | '<=' | '>' | '>=') value  # cmpCond
     | value 'in' '{' value (',' value)* ','? '}'              # inCond
     | value                                                   # bareCond
     ;

value : value '&' value         # andValue
      | value '|' value         # orValue
      | '(' cond ')'            # parenValue
      | atom                    # atomValue
      ;

atom : INT | IDENT ;

// Generic statements of the other sections: `read "/usr", "/lib";`,
// `connect tcp 443;`, `memory 512MiB;`, `set PATH = "/bin";`, `user, pid;`.
stmt : word (','? word)* ';' ;
word : IDENT | STRING | INT | '=' | '>=' | 'allow' | 'deny' | 'default' | 'unknown' | 'arch'
     | 'with' | 'if' | 'in' | 'on' | 'on_unsupported' | 'expect' | 'test' | 'group' ;

// test { expect openat(AT_FDCWD, 0, O_RDONLY) -> allow on x86_64; expect score(process) >= 70; }
expectStmt : 'expect' call=syscallName '(' (expectArg (',' expectArg)*)? ')'
             ( '->' action ('on' arch=IDENT)? | cmp=('>=' | '>' | '<=' | '<' | '==') bound=INT ) ';' ;

// An argument: a number or constant, or constants OR-ed (PROT_READ | PROT_EXEC).
expectArg : atom ('|' atom)* ;

GROUPREF : '@' NAME ;
IDENT : NAME ;
fragment NAME : [a-zA-Z_] [a-zA-Z0-9_]* ('-' [a-zA-Z0-9_]+)* ;
// Integers with an optional unit suffix (512MiB, 30s, 0x1000).
INT : ('0x' [0-9a-fA-F_]+ | [0-9] [0-9_]*) [a-zA-Z]* ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;

// Comments stay in the token stream (hidden from the parser) for kavachc --fmt.
LINE_COMMENT : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS : [ \t\r\n]+ -> skip ;
